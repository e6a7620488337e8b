"""Gongdan (工单): a service desk and work-order system for Chinese service organisations."""

__version__ = '0.1.0'
