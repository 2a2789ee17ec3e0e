def common(request):
    return {"lang": getattr(request, "lang", "vi")}
