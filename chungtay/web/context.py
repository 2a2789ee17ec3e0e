from chungtay.accounts.roles import TemplateCan


def common(request):
    """``lang`` and ``ct_can`` (what the user may do: accounts/roles.py) for every page."""
    return {"lang": getattr(request, "lang", "vi"), "ct_can": TemplateCan(getattr(request, "user", None))}
