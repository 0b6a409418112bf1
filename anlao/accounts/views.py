from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("not yet", status=501)


password_change = api_tokens = api_token_revoke = _todo
