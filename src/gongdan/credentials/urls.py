from django.urls import path

from . import views

app_name = 'credentials'
urlpatterns = [
    path('', views.system_list, name='system_list'),
    path('systems/new/', views.system_create, name='system_create'),
    path('systems/<slug:key>/', views.system_detail, name='system'),
    path('systems/<slug:key>/edit/', views.system_edit, name='system_edit'),
    path('systems/<slug:key>/password/', views.system_file_password, name='system_file_password'),
    path('systems/<slug:key>/password/show/', views.system_reveal_password, name='system_reveal_password'),
    path('grants/', views.grant_ledger, name='grant_ledger'),
    path('grants/<int:pk>/close/', views.grant_close, name='grant_close'),
    path('review/', views.review, name='review'),
]
