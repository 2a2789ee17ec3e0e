from django.urls import include, path

from chungtay.web.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),      # monitoring (docs/deploy.md)
    path("api/v1/", include("chungtay.api.urls")),
    path("field/", include("chungtay.field.urls")),
    path("open/", include("chungtay.opendata.urls")),
    path("", include("chungtay.web.urls")),
    path("import/", include("chungtay.imports.urls")),
    path("reviews/", include("chungtay.reviews.urls")),
    path("", include("chungtay.plans.urls")),
    path("reports/", include("chungtay.reports.urls")),
    path("jobs/", include("chungtay.jobs.urls")),
    path("support/", include("chungtay.support.urls")),
    path("analysis/", include("chungtay.analysis.urls")),
    path("support/revolving/", include("chungtay.revolving.urls")),
    path("support/groups/", include("chungtay.groups.urls")),
    path("fund/", include("chungtay.fund.urls")),
    path("emulation/", include("chungtay.emulation.urls")),
]

handler400 = "chungtay.web.errors.bad_request"
handler403 = "chungtay.web.errors.permission_denied"
handler404 = "chungtay.web.errors.page_not_found"
handler500 = "chungtay.web.errors.server_error"
