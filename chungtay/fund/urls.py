from django.urls import path

from . import views, views_houses, views_statements

app_name = "fund"
urlpatterns = [
    path("", views.fund_list, name="list"),
    path("<int:pk>/", views.fund_detail, name="detail"),
    path("<int:pk>/donors/", views.donors, name="donors"),
    path("<int:pk>/campaigns/", views.campaigns, name="campaigns"),
    path("<int:pk>/pledges/", views.pledges, name="pledges"),
    path("<int:pk>/donations/", views.donations, name="donations"),
    path("<int:pk>/donations/new/", views.donation_new, name="donation_new"),
    path("<int:pk>/donations/import/", views.donation_import, name="donation_import"),
    path("donations/<int:pk>/receipt.pdf", views.receipt, name="receipt"),
    path("<int:pk>/allocate/", views.allocation_new, name="allocation_new"),
    path("<int:pk>/disburse/", views.disbursement_new, name="disbursement_new"),
    path("<int:pk>/pay-list/", views.payment_list_new, name="payment_list_new"),
    path("<int:pk>/disbursements/", views.disbursements, name="disbursements"),
    path("<int:pk>/transfer/", views.transfer_new, name="transfer_new"),
    path("<int:pk>/bank/", views.reconcile, name="reconcile"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("entries/<int:pk>/reverse/", views.reverse, name="reverse"),
    path("public/", views.public_list, name="public"),
    path("public/<int:pk>/", views.public_period, name="public_period"),
    path("public/<int:pk>/sao-ke.<str:ext>", views_statements.public_statement, name="public_statement"),
    path("<int:pk>/statements/<int:period>.<str:ext>", views_statements.statement, name="statement"),
    path("<int:pk>/recipients/", views_statements.recipient_list, name="recipients"),
    path("<int:pk>/houses/", views_houses.houses, name="houses"),
    path("<int:pk>/houses/new/", views_houses.house_new, name="house_new"),
    path("houses/<int:pk>/", views_houses.house, name="house"),
    path("houses/<int:pk>/stage/", views_houses.house_advance, name="house_advance"),
    path("houses/<int:pk>/contribution/", views_houses.house_contribution, name="house_contribution"),
]
