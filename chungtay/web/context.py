from chungtay.accounts.roles import TemplateCan


def common(request):
    """``lang``, ``ct_can`` (what the user may do: accounts/roles.py) and ``ct_national`` (the
    user's area is the nation: evaluated only when a template asks) for every page."""
    user = getattr(request, "user", None)

    def national() -> bool:
        from chungtay.accounts.access import scope_for
        return user is not None and user.is_authenticated and scope_for(user).everything
    return {"lang": getattr(request, "lang", "vi"), "ct_can": TemplateCan(user), "ct_national": national}
