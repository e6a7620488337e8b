"""REST API of the accounts app (mounted under /api/v1/ by gongdan/api_urls.py)."""
