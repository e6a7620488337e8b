"""REST API of the tickets app (mounted under /api/v1/ by gongdan/api_urls.py)."""
