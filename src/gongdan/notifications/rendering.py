"""Rendering an event into a message: subject, plain text and HTML in one language, and the robot payloads.

Everything is rendered inside the transaction that caused the event (do_notify), so an outbox row holds
exactly what will be sent and the worker needs neither the context nor the templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .choices import Channel

if TYPE_CHECKING:
    from .events import EventType

SUBJECT_LIMIT = 250
IN_APP_BODY_LIMIT = 2000
# WeCom accepts at most 4096 bytes of markdown; DingTalk and Feishu are roomier, but a group post stays short.
ROBOT_TEXT_LIMIT = 3500


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    url: str  # absolute link to the ticket (or the page the event is about); may be empty


def supported_language(code: str | None) -> str:
    try:
        return translation.get_supported_language_variant(code or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def render_message(event_type: EventType, context: dict[str, Any], *, language: str) -> Rendered:
    """The three templates of ``event_type`` rendered with ``context`` in ``language``."""
    with translation.override(supported_language(language)):
        subject = ' '.join(render_to_string(event_type.template('subject.txt'), context).split())
        text = tidy_text(render_to_string(event_type.template('body.txt'), context))
        html = render_to_string(event_type.template('body.html'), context)
    return Rendered(subject=truncate(subject, SUBJECT_LIMIT), text=text, html=html, url=context.get('url') or '')


def tidy_text(text: str) -> str:
    """Plain text from a template: no trailing blanks, at most one empty line in a row, no empty edges."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return '\n'.join(out).strip()


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + '…'


def _defuse(text: str) -> str:
    # WeCom and DingTalk turn "<@userid>" / "@all"-style markup in a post into mentions; ticket titles and
    # replies come from customers, so a mention must never be produced by their text.
    return text.replace('<@', '<\u200b@')


def robot_payload(platform: str, rendered: Rendered, *, language: str) -> dict[str, Any]:
    """The platform's JSON message for a group robot (without the signature, which is added at send time).

    WeCom:    {"msgtype": "markdown", "markdown": {"content": ...}}
              https://developer.work.weixin.qq.com/document/path/91770 (群机器人配置说明)
    DingTalk: {"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}
              https://open.dingtalk.com/document/robots/custom-robot-access (自定义机器人发送群消息)
    Feishu:   {"msg_type": "post", "content": {"post": {"zh_cn": {"title": ..., "content": [[{tag...}]]}}}}
              https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot (自定义机器人使用指南)
    """
    with translation.override(supported_language(language)):
        link_label = _('Open in Gongdan')
    subject = _defuse(rendered.subject)
    lines = [_defuse(line) for line in truncate(rendered.text, ROBOT_TEXT_LIMIT).splitlines()]
    if platform == Channel.WECOM:
        content = f'**{subject}**\n' + '\n'.join(lines)
        if rendered.url:
            content += f'\n[{link_label}]({rendered.url})'
        return {'msgtype': 'markdown', 'markdown': {'content': content}}
    if platform == Channel.DINGTALK:
        # DingTalk markdown needs a blank line (or two trailing spaces) for a line break.
        text = f'#### {subject}\n\n' + '  \n'.join(lines)
        if rendered.url:
            text += f'\n\n[{link_label}]({rendered.url})'
        return {'msgtype': 'markdown', 'markdown': {'title': subject, 'text': text}}
    if platform == Channel.FEISHU:
        paragraphs: list[list[dict[str, str]]] = [[{'tag': 'text', 'text': line}] for line in lines if line.strip()]
        if rendered.url:
            paragraphs.append([{'tag': 'a', 'text': link_label, 'href': rendered.url}])
        locale = 'en_us' if supported_language(language).startswith('en') else 'zh_cn'
        return {'msg_type': 'post', 'content': {'post': {locale: {'title': subject, 'content': paragraphs}}}}
    raise ValueError(f'unknown robot platform {platform!r}')


def email_payload(rendered: Rendered) -> dict[str, str]:
    text = f'{rendered.text}\n\n{rendered.url}' if rendered.url else rendered.text
    return {'subject': rendered.subject, 'text': text, 'html': rendered.html}
