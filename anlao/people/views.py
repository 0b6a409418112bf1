from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("not yet", status=501)


elder_list = elder_create = elder_detail = elder_edit = elder_reveal = elder_status = _todo
contact_add = contact_delete = _todo
