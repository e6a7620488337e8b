from django.urls import path

from .views import ArticleDetailView, ArticleListView, ArticlePublishView, TicketKnowledgeDraftView

urlpatterns = [
    path('knowledge/articles/', ArticleListView.as_view(), name='api-knowledge-article-list'),
    path('knowledge/articles/<int:pk>/', ArticleDetailView.as_view(), name='api-knowledge-article-detail'),
    path('knowledge/articles/<int:pk>/publish/', ArticlePublishView.as_view(), name='api-knowledge-article-publish'),
    path('tickets/<int:pk>/knowledge-draft/', TicketKnowledgeDraftView.as_view(), name='api-ticket-knowledge-draft'),
]
