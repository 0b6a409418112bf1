from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("not yet", status=501)


elder_export = import_upload = import_template = import_review = _todo
import_report = import_commit = import_cancel = _todo
