"""The staff roles, as groups: what each may do in admin, across every app. One definition
(site-wide machinery, so here and not in one app: a reviewer reads every grant in one table),
applied by the migrations desk/0003, desk/0005, operator_site/0007, operator_site/0010 and
trip_messages/0002, payments/0002 and by `manage.py staff_roles` after a new model arrives.

- Sales answer requests: see and work every request (never delete one: only superusers may),
  manage the reply templates, the departures, the bookings made from requests with their
  payments and travellers, and the review e-mails of won requests; read the catalogue
  without changing it. Whole passport numbers and the travellers' export need the separate
  permission `bookings.view_traveller_documents`, given to a person, not to the group.
- Content edit the catalogue, the content pages, the facts still to confirm, the
  operator's details, the travel blog and the reviews, see the
  departures, and never see a traveller's details.

Neither sees users, groups, second-factor devices or login-lockout tables: superusers only.
"""

SALES = "Sales"
CONTENT = "Content"

CATALOGUE = [
    "treks.destination",
    "treks.travelstyle",
    "treks.place",
    "treks.trek",
    "treks.itinerarystage",
    "treks.trekimage",
    "treks.trekfaq",
]

# model label -> the actions ("view", "add", "change", "delete") the role has on it
ROLES = {
    SALES: {
        "inquiries.inquiry": ["view", "add", "change"],
        "desk.replytemplate": ["view", "add", "change", "delete"],
        "treks.departure": ["view", "add", "change", "delete"],
        # Bookings are made, changed and cancelled, never deleted: their totals are the
        # operator's accounts (a mistake is for a superuser to remove).
        "bookings.booking": ["view", "add", "change"],
        "bookings.payment": ["view", "add", "change"],
        "bookings.traveller": ["view", "add", "change"],
        "bookings.bookinglink": ["view", "change"],
        "reviews.reviewrequest": ["view", "add", "change", "delete"],
        # Online payments: the day's exchange rate, amounts asked of a traveller, and the
        # checkouts (read-only: what a provider confirms is recorded by the site).
        "payments.exchangerate": ["view", "add", "change"],
        "payments.paymentrequest": ["view", "add", "change"],
        "payments.checkout": ["view"],
        # The site's e-mails: see why one is late, retry what gave up (never add or delete).
        "outbox.message": ["view", "change"],
        # The messages that keep travellers informed: their texts and timing, each booking's
        # messages switched on or off (never added or deleted: the site plans them).
        "trip_messages.messagetemplate": ["view", "add", "change"],
        "trip_messages.timing": ["view", "change"],
        "trip_messages.tripmessage": ["view", "change"],
        "trip_messages.departurechange": ["view"],
        **{label: ["view"] for label in CATALOGUE},
    },
    CONTENT: {
        "operator_site.contentpage": ["view", "add", "change", "delete"],
        # The facts still to confirm before launch are content's to check off.
        "operator_site.toconfirm": ["view", "add", "change", "delete"],
        # The operator's details (phone, address, links): one record, changed, never deleted.
        "operator_site.operatordetails": ["view", "change"],
        # Old addresses kept: the redirects, made from the list of addresses that gave a 404
        # (whose rows visitors make; staff only read and clear them).
        "redirects.redirect": ["view", "add", "change", "delete"],
        "operator_site.notfoundpath": ["view", "delete"],
        "blog.post": ["view", "add", "change", "delete"],
        "reviews.review": ["view", "add", "change", "delete"],
        "treks.departure": ["view"],
        **{label: ["view", "add", "change", "delete"] for label in CATALOGUE},
    },
}


def apply(apps):
    """Create the groups if needed and give each exactly the permissions above (on the models
    that exist: a role that names a model not yet installed gets it on the next run).
    Returns {role: number of permissions}."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after migrate; the groups need them now.
    for app_config in apps.get_app_configs():
        # A migration's app registry has no models modules, which create_permissions skips.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    granted = {}
    for role, grants in ROLES.items():
        group, _created = group_model.objects.get_or_create(name=role)
        wanted = []
        for label, actions in grants.items():
            app_label, model = label.split(".")
            wanted += list(
                permission_model.objects.filter(
                    content_type__app_label=app_label,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )
        group.permissions.set(wanted)
        granted[role] = len(wanted)
    return granted
