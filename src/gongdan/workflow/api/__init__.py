"""REST API of the workflow app (mounted under /api/v1/ by gongdan/api_urls.py)."""
