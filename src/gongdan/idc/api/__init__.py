"""REST API of the IDC inventory (mounted under /api/v1/idc/ by gongdan/api_urls.py)."""
