from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def dashboard(request):
    return HttpResponse('ok')


@login_required
def ticket_detail(request, number):
    return HttpResponse(number)
