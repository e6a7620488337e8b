"""/api/v1/ routes of the knowledge base (SD-06) and drafting an article from a ticket (SVC-12).

Reads go through knowledge.queries: staff see published articles and their drafts (editors all), customers
only published public ones; an article one may not read is a 404. Writes go through knowledge.actions.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from gongdan.knowledge import queries
from gongdan.knowledge.actions import (
    do_create_article,
    do_draft_article_from_ticket,
    do_publish_article,
    do_unpublish_article,
    do_update_article,
)
from gongdan.tickets.queries import access_ticket_by_id
from gongdan.utilities.errors import InvalidInput, NotFound

from .serializers import ArticleSerializer, ArticleWriteSerializer, PublishSerializer

LIST_LIMIT = 200


def _parse(serializer_class, data):
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        fields = {k: [str(m) for m in v] for k, v in serializer.errors.items()}
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=fields)
    return serializer.validated_data


def _out(request, article, **kwargs) -> Response:
    return Response(ArticleSerializer(article, context={'user': request.user}).data, **kwargs)


class ArticleListView(APIView):
    """GET: the articles one may read (``?q=``, ``?status=``, ``?category=``). POST: a new draft (staff)."""

    @extend_schema(summary='Knowledge articles', responses={200: ArticleSerializer(many=True)})
    def get(self, request):
        params = request.query_params
        query = queries.search_articles(
            queries.visible_articles(request.user),
            params.get('q', '').strip(),
            params.get('status', ''),
            params.get('category', ''),
        )
        data = ArticleSerializer(query[:LIST_LIMIT], many=True, context={'user': request.user}).data
        return Response(data)

    @extend_schema(summary='Write a draft', request=ArticleWriteSerializer, responses={201: ArticleSerializer})
    def post(self, request):
        values = _parse(ArticleWriteSerializer, request.data)
        article = do_create_article(actor=request.user, values=values)
        return _out(request, article, status=status.HTTP_201_CREATED)


class ArticleDetailView(APIView):
    @extend_schema(summary='A knowledge article', responses={200: ArticleSerializer})
    def get(self, request, pk: int):
        return _out(request, queries.access_article_by_id(request.user, int(pk)))

    @extend_schema(summary='Edit an article', request=ArticleWriteSerializer, responses={200: ArticleSerializer})
    def patch(self, request, pk: int):
        article = queries.access_article_by_id(request.user, int(pk))
        values = _parse(ArticleWriteSerializer, request.data)
        return _out(request, do_update_article(article, actor=request.user, values=values))


class ArticlePublishView(APIView):
    """Publish a draft (optionally setting ``is_public``), or ``{"unpublish": true}`` to take it back (editors)."""

    @extend_schema(summary='Publish or withdraw', request=PublishSerializer, responses={200: ArticleSerializer})
    def post(self, request, pk: int):
        article = queries.access_article_by_id(request.user, int(pk))
        data = _parse(PublishSerializer, request.data)
        if data['unpublish']:
            article = do_unpublish_article(article, actor=request.user)
        else:
            article = do_publish_article(article, actor=request.user, is_public=data['is_public'])
        return _out(request, article)


class TicketKnowledgeDraftView(APIView):
    """SVC-12/SD-06: write the ticket's cause and fix up as a knowledge article draft (201), or return the
    article already written from it (200). Staff only: customers get 404."""

    @extend_schema(
        summary='Draft a knowledge article from the ticket', request=None, responses={201: ArticleSerializer}
    )
    def post(self, request, pk: int):
        ticket = access_ticket_by_id(request.user, int(pk))
        if not queries.is_staff_user(request.user):
            raise NotFound(_('Ticket not found.'))
        article, created = do_draft_article_from_ticket(ticket, actor=request.user)
        if not queries.visible_articles(request.user).filter(pk=article.pk).exists():
            raise NotFound(_('Article not found.'))
        return _out(request, article, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
