"""REST API of the approvals app (mounted under /api/v1/ by gongdan/api_urls.py)."""
