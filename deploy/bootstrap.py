"""First start of a production installation (deploy/setup-debian.sh runs it; safe to run again):
load the administrative units shipped with the app, and create the first national administrator.

    chungtay-admin bootstrap                     # asks for the password of the user "quantri"
    CHUNGTAY_ADMIN_USER=admin chungtay-admin bootstrap

or with the production environment loaded: ``python deploy/bootstrap.py``.

The password comes from CHUNGTAY_ADMIN_PASSWORD, else it is asked for. An existing user is left alone.
"""
import getpass
import os
import sys

if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chungtay.settings")
    import django
    try:
        django.setup()
    except Exception as e:        # production without keys: the one-line reason, exit 2
        print(f"chungtay: error: {e}", file=sys.stderr)
        sys.exit(2)


def bootstrap() -> int:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import ValidationError, validate_password

    from chungtay.accounts.models import Assignment
    from chungtay.units.loader import load_units
    counts = load_units()
    print("units: " + ("already loaded" if "skipped" in counts else ", ".join(f"{k} {v}" for k, v in counts.items())))
    username = (os.environ.get("CHUNGTAY_ADMIN_USER") or "quantri").strip()
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        print(f"user {username}: exists, left as it is")
        return 0
    password = os.environ.get("CHUNGTAY_ADMIN_PASSWORD") or getpass.getpass(f"Mật khẩu cho / password for {username}: ")
    user = User(username=username, first_name=os.environ.get("CHUNGTAY_ADMIN_NAME", "Quản trị hệ thống"),
                is_staff=True, is_superuser=True)
    try:
        validate_password(password, user)
    except ValidationError as e:
        print("chungtay: error: password: " + " ".join(e.messages), file=sys.stderr)
        return 2
    user.set_password(password)
    user.save()
    Assignment.objects.create(user=user, unit=None, role="national")
    print(f"user {username}: created (national administrator)")
    return 0


if __name__ == "__main__":
    sys.exit(bootstrap())
