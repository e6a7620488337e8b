from rest_framework import serializers

from gongdan.knowledge.choices import ArticleCategory
from gongdan.knowledge.models import Article


class ArticleSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source='author.username', read_only=True)
    source_ticket = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            'id',
            'title',
            'body',
            'category',
            'status',
            'is_public',
            'source_ticket',
            'author',
            'created_at',
            'updated_at',
            'published_at',
        ]
        read_only_fields = fields

    def get_source_ticket(self, article) -> str | None:
        # Customers never learn which ticket an article came from (it may be another customer's).
        user = self.context.get('user')
        if article.source_ticket_id is None or user is None or user.customer_id is not None:
            return None
        return article.source_ticket.number


class ArticleWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    body = serializers.CharField(max_length=50_000, required=False)
    category = serializers.ChoiceField(choices=ArticleCategory.choices, required=False)
    is_public = serializers.BooleanField(required=False)


class PublishSerializer(serializers.Serializer):
    unpublish = serializers.BooleanField(required=False, default=False)
    is_public = serializers.BooleanField(required=False, allow_null=True, default=None)
