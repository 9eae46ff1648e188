"""The default texts of the traveller messages, in English and Spanish, put on the
facts-to-confirm list until staff approve them. Every fact of the operator's (meeting place,
time, guide, phones, amounts) is a placeholder: the texts promise nothing the operator has
not typed in admin. Installed by the migration trip_messages/0002 (and again by the tests
after a flush)."""

SIGNATURE = {"en": "{staff}\n{operator}", "es": "{staff}\n{operator}"}

TEXTS = {
    "booking_confirmation": {
        "en": (
            "Your booking is confirmed: {trek}, {start_date}",
            "Dear {name},\n\n"
            "Thank you for booking {trek} with {operator}. Your trip starts on {start_date} "
            "and ends on {end_date}, for {people} travellers.\n\n"
            "Meeting place: {meeting_place}\n"
            "Pick-up time: {pickup_time} (Cusco time)\n\n"
            "The calendar file attached holds these days and the pick-up. Your booking page "
            "shows your payments and asks for the details we need from each traveller:\n"
            "{booking_link}\n\n"
            "If anything is unclear, write to us or call {operator_phone} "
            "(WhatsApp {whatsapp}).",
        ),
        "es": (
            "Su reserva está confirmada: {trek}, {start_date}",
            "Estimado/a {name}:\n\n"
            "Gracias por reservar {trek} con {operator}. Su viaje empieza el {start_date} y "
            "termina el {end_date}, para {people} viajeros.\n\n"
            "Punto de encuentro: {meeting_place}\n"
            "Hora de recojo: {pickup_time} (hora de Cusco)\n\n"
            "El archivo de calendario adjunto tiene estos días y el recojo. La página de su "
            "reserva muestra sus pagos y pide los datos que necesitamos de cada viajero:\n"
            "{booking_link}\n\n"
            "Si algo no está claro, escríbanos o llame al {operator_phone} "
            "(WhatsApp {whatsapp}).",
        ),
    },
    "balance_reminder": {
        "en": (
            "{trek}: the balance is due on {balance_due_date}",
            "Dear {name},\n\n"
            "A reminder: the balance of your booking, {balance}, is due on "
            "{balance_due_date}.\n\n"
            "Your booking page shows what you have paid and how to pay the rest:\n"
            "{booking_link}\n\n"
            "If you have paid it already, thank you: please ignore this message.",
        ),
        "es": (
            "{trek}: el saldo vence el {balance_due_date}",
            "Estimado/a {name}:\n\n"
            "Le recordamos que el saldo de su reserva, {balance}, vence el "
            "{balance_due_date}.\n\n"
            "La página de su reserva muestra lo que pagó y cómo pagar el resto:\n"
            "{booking_link}\n\n"
            "Si ya lo pagó, gracias: no tome en cuenta este mensaje.",
        ),
    },
    "pre_trip": {
        "en": (
            "{trek} starts on {start_date}: what to know",
            "Dear {name},\n\n"
            "Your trek starts soon. Here is what you need for the first morning.\n\n"
            "Meeting place: {meeting_place}\n"
            "Pick-up time: {pickup_time} (Cusco time) on {start_date}\n"
            "Your guide: {guide}, phone {guide_phone}\n\n"
            "What to bring:\n{packing_list}\n\n"
            "{altitude}\n\n"
            "Your booking page: {booking_link}\n\n"
            "If your plans change or you cannot find the meeting place, write to us on "
            "WhatsApp at {whatsapp} or call {operator_phone}.",
        ),
        "es": (
            "{trek} empieza el {start_date}: lo que debe saber",
            "Estimado/a {name}:\n\n"
            "Su caminata empieza pronto. Esto es lo que necesita para la primera mañana.\n\n"
            "Punto de encuentro: {meeting_place}\n"
            "Hora de recojo: {pickup_time} (hora de Cusco) el {start_date}\n"
            "Su guía: {guide}, teléfono {guide_phone}\n\n"
            "Qué llevar:\n{packing_list}\n\n"
            "{altitude}\n\n"
            "La página de su reserva: {booking_link}\n\n"
            "Si sus planes cambian o no encuentra el punto de encuentro, escríbanos por "
            "WhatsApp al {whatsapp} o llame al {operator_phone}.",
        ),
    },
    "review_request": {
        "en": (
            "How was {trek}?",
            "Dear {name},\n\n"
            "Thank you for walking {trek} with {operator}. If you have a few minutes, a "
            "review helps other travellers choose and helps us do better:\n\n"
            "{review_links}",
        ),
        "es": (
            "¿Qué tal {trek}?",
            "Estimado/a {name}:\n\n"
            "Gracias por caminar {trek} con {operator}. Si tiene unos minutos, una reseña "
            "ayuda a otros viajeros a elegir y a nosotros a mejorar:\n\n"
            "{review_links}",
        ),
    },
    "departure_cancelled": {
        "en": (
            "{trek}: the departure of {old_date} is cancelled",
            "Dear {name},\n\n"
            "We are sorry to tell you that the departure of {trek} on {old_date} is "
            "cancelled.\n\n"
            "Please write to us on WhatsApp at {whatsapp} or call {operator_phone}: we will "
            "tell you what happens next with your booking.\n\n"
            "Your booking page: {booking_link}",
        ),
        "es": (
            "{trek}: la salida del {old_date} está cancelada",
            "Estimado/a {name}:\n\n"
            "Lamentamos informarle que la salida de {trek} del {old_date} está cancelada.\n\n"
            "Escríbanos por WhatsApp al {whatsapp} o llame al {operator_phone}: le diremos "
            "qué pasa ahora con su reserva.\n\n"
            "La página de su reserva: {booking_link}",
        ),
    },
    "departure_moved": {
        "en": (
            "{trek}: your departure moves to {new_date}",
            "Dear {name},\n\n"
            "The departure of {trek} you booked has moved from {old_date} to {new_date}. "
            "Your trip now starts on {start_date} and ends on {end_date}; the calendar file "
            "attached replaces the earlier one.\n\n"
            "If the new date does not suit you, write to us on WhatsApp at {whatsapp} or call "
            "{operator_phone}.\n\n"
            "Your booking page: {booking_link}",
        ),
        "es": (
            "{trek}: su salida pasa al {new_date}",
            "Estimado/a {name}:\n\n"
            "La salida de {trek} que reservó pasó del {old_date} al {new_date}. Su viaje "
            "ahora empieza el {start_date} y termina el {end_date}; el archivo de calendario "
            "adjunto reemplaza al anterior.\n\n"
            "Si la nueva fecha no le conviene, escríbanos por WhatsApp al {whatsapp} o llame "
            "al {operator_phone}.\n\n"
            "La página de su reserva: {booking_link}",
        ),
    },
}

NOTE = (
    "A default text written with the site, not by the operator: check its tone and that it "
    "promises nothing the operator does not do (what happens after a cancellation above all), "
    "then approve it (Traveller message texts › Approve)."
)


def install(apps):
    """Add the timing row and the default texts that are missing (never overwrites what
    staff wrote)."""
    MessageTemplate = apps.get_model("trip_messages", "MessageTemplate")
    Timing = apps.get_model("trip_messages", "Timing")
    Timing.objects.get_or_create(pk=1)  # the one row staff edit (its defaults)
    ToConfirm = apps.get_model("operator_site", "ToConfirm")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="trip_messages", model="messagetemplate"
    )
    for kind, languages in TEXTS.items():
        for language, (subject, body) in languages.items():
            template, created = MessageTemplate.objects.get_or_create(
                kind=kind,
                language=language,
                defaults={"subject": subject, "body": body + "\n\n" + SIGNATURE[language]},
            )
            if created:
                ToConfirm.objects.get_or_create(
                    content_type=content_type,
                    object_id=template.pk,
                    field="body",
                    claim=f"Default text: {kind.replace('_', ' ')} ({language})",
                    defaults={"note": NOTE},
                )
