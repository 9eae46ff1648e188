from django.contrib import admin

from .models import ReplyTemplate


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "subject", "is_active", "updated_at"]
    list_editable = ["is_active"]
    list_filter = ["language", "is_active"]
    search_fields = ["name", "subject"]
    fields = ["name", "language", "subject", "body", "is_active"]
