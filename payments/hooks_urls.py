"""The providers' notification addresses: one per provider, the same in every language."""

from django.urls import path

from . import views

app_name = "payments_hooks"

urlpatterns = [
    path("payments/notify/paypal/", views.notification, {"provider": "paypal"}, name="paypal"),
    path(
        "payments/notify/mercadopago/",
        views.notification,
        {"provider": "mercadopago"},
        name="mercadopago",
    ),
]
