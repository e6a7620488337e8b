"""REST API of the customers app (mounted under /api/v1/ by gongdan/api_urls.py)."""
