from django.urls import path

from . import views

app_name = "inquiries"

urlpatterns = [
    path("contact/", views.InquiryCreateView.as_view(), name="contact"),
    path("contact/thanks/", views.ThanksView.as_view(), name="thanks"),
    path("treks/<slug:slug>/request/", views.InquiryCreateView.as_view(), name="trek_request"),
]
