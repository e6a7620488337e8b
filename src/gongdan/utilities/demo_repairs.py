"""Demo data of fault maintenance and the knowledge base (SVC-12, SD-04, SD-05, SD-06).

The onsite repairs of the generated service desk events (utilities/demo.py) get their customer's signature: some
drawn on the engineer's tablet (a PNG scribble, as the pad would send), the others as a scan of the signed
paper form. The knowledge base gets a few hand-written articles and publishes some of the drafts that the
``draft_knowledge_article`` effect wrote from solved tickets. Through the actions only; idempotent.
"""

from __future__ import annotations

import io
import random
from collections import Counter
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile

from gongdan.knowledge.actions import do_create_article, do_publish_article
from gongdan.knowledge.models import Article

if TYPE_CHECKING:
    from .demo import Directory

# title, category, public, body (written by the document administrator, SD-06)
ARTICLES = [
    (
        '办公电脑无法上网的自助排查步骤',
        'network',
        True,
        '1. 查看网线是否插好、网口指示灯是否闪烁；\n2. 在命令行执行 ipconfig，确认获取到 10.x 地址；\n'
        '3. 重启电脑后再试；\n4. 仍不能上网，请拨打服务台电话并说明所在楼层和工位号。',
    ),
    (
        '财务系统登录报错 500 的处理',
        'software',
        False,
        '【故障现象】登录页提示 500。\n【原因】应用服务器会话表空间满。\n'
        '【解决方法】清理过期会话并扩容表空间，重启应用服务。\n【预防】每月巡检时检查表空间使用率。',
    ),
    (
        '机房精密空调高温告警的现场处理',
        'machine_room',
        False,
        '【故障现象】机房温度超过 27℃，空调面板高压告警。\n【处理】检查室外机散热，清洗冷凝器；'
        '必要时启用备用空调。\n【注意】处理前通知值班长，处理后在维修维护单上登记并请客户签字。',
    ),
]


def signature_png(rng: random.Random, *, width: int = 480, height: int = 180) -> bytes:
    """A scribble like the one the pad sends (static/js/signature-pad.js): dark strokes on white, PNG."""
    from PIL import Image, ImageDraw  # Pillow comes with fpdf2

    image = Image.new('RGB', (width, height), 'white')
    draw = ImageDraw.Draw(image)
    x = rng.randint(20, 60)
    for _stroke in range(rng.randint(2, 4)):
        points = []
        for _i in range(rng.randint(4, 8)):
            x = min(width - 10, x + rng.randint(10, 45))
            points.append((x, rng.randint(30, height - 30)))
        draw.line(points, fill=(11, 31, 77), width=4, joint='curve')
    out = io.BytesIO()
    image.save(out, format='PNG')
    return out.getvalue()


def signed_scan(rng: random.Random, number: str) -> ContentFile:
    """The scan (photo) of the signed paper work order brought back from site (SD-05: registered on return)."""
    return ContentFile(signature_png(rng, width=620, height=300), name=f'维修维护单签字扫描件-{number}.png')


def build_knowledge(directory: Directory) -> Counter:
    """The hand-written articles (once, by title) and the first published drafts from solved tickets."""
    made: Counter = Counter()
    author = directory.users['docadmin']
    for title, category, public, body in ARTICLES:
        if Article.objects.filter(title=title).exists():
            continue
        article = do_create_article(
            actor=author, values={'title': title, 'body': body, 'category': category, 'is_public': public}
        )
        do_publish_article(article, actor=author)
        made['knowledge_published'] += 1
    if not Article.objects.filter(status='published', source_ticket__isnull=False).exists():
        # The document administrator reviews and publishes a few of the engineers' write-ups (SD-06).
        for index, article in enumerate(Article.objects.filter(status='draft').order_by('created_at', 'id')[:6]):
            do_publish_article(article, actor=author, is_public=index % 3 == 0)
            made['knowledge_published'] += 1
    return made
