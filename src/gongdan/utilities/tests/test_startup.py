"""What a web worker loads at start-up: the heavy document libraries only when a document is made.

Issue #2 keeps each web worker under 150 MB (bench/run.py measures it). fpdf2 with fontTools and Pillow (payment
notice PDFs) and openpyxl (Excel exports and imports) together cost a worker about 25 MB, so the modules that use
them import them inside the functions that make a document.
"""

import subprocess
import sys

HEAVY = ('fpdf', 'fontTools', 'PIL', 'openpyxl')

PROBE = """
import os, sys
os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'gongdan.settings')
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every app's views and API modules
import gongdan.wsgi
print(','.join(m for m in {heavy!r} if m in sys.modules))
"""


def test_web_worker_does_not_load_the_document_libraries(tmp_path):
    env = {'GONGDAN_DATA_DIR': str(tmp_path), 'GONGDAN_LOG_LEVEL': 'WARNING', 'PATH': '/usr/bin:/bin'}
    done = subprocess.run(
        [sys.executable, '-c', PROBE.format(heavy=HEAVY)], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == '', f'loaded at start-up: {done.stdout.strip()}'
