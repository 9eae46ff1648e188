"""A local stand-in for PayPal's and Mercado Pago's REST APIs, for the payments tests: a real
HTTP server on a socket the test binds (127.0.0.1, port 0, bound before it is read), answering
the providers' documented requests with their documented response bodies. Sources:

- PayPal Orders v2: developer.paypal.com/docs/api/orders/v2/ (create order: 200 with
  status PAYER_ACTION_REQUIRED and a "payer-action" link when payment_source.paypal carries an
  experience_context; capture: 201 COMPLETED with purchase_units[].payments.captures[], 422
  ORDER_NOT_APPROVED / ORDER_ALREADY_CAPTURED; show order details), Payments v2
  (/v2/payments/captures/{id}), OAuth2 (/v1/oauth2/token, client credentials, Basic auth),
  Webhooks (/v1/notifications/verify-webhook-signature: verification_status SUCCESS or
  FAILURE). PayPal signs "<transmission_id>|<transmission_time>|<webhook_id>|<crc32 of the
  body>" with its certificate's key; the stand-in signs the same string with an HMAC key of
  its own, and its verify call checks that: the site only ever asks, as with PayPal.
- Mercado Pago: mercadopago.com.pe/developers/en/reference (POST /checkout/preferences: 201
  with id, init_point, sandbox_init_point; GET /v1/payments/{id}: status, status_detail,
  transaction_amount, transaction_amount_refunded, currency_id, external_reference; 404
  "Payment not found"), and the notifications guide (POST to notification_url with
  ?data.id=<id>&type=payment, a JSON body {"action": "payment.updated", "type": "payment",
  "data": {"id": ...}}, x-request-id, and x-signature "ts=<ts>,v1=<hex HMAC-SHA256 of
  id:<data.id>;request-id:<x-request-id>;ts:<ts>;>").
"""

import base64
import contextlib
import hashlib
import hmac
import itertools
import json
import socket
import threading
import uuid
import zlib
from decimal import Decimal
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from payments.providers.mercadopago import signature as mp_signature

CLIENT_ID = "AXwS-test-client"
CLIENT_SECRET = "EL-test-secret"
WEBHOOK_ID = "1JE4291016473214C"
MP_TOKEN = "APP_USR-1234567890-test"
MP_SANDBOX_TOKEN = "TEST-1234567890-test"  # Mercado Pago's test credentials start with TEST-
MP_SECRET = "mp-webhook-secret-test"
_SIGNING_KEY = b"stand-in's own key"


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _money(value):
    return f"{Decimal(value):.2f}"


class StandIn:
    """Both providers' APIs on one address, with the state a sandbox account would have."""

    def __init__(self):
        self.lock = threading.Lock()
        self.orders = {}
        self.order_requests = {}  # PayPal-Request-Id -> order id (idempotent create)
        self.captures = {}
        self.preferences = {}
        self.payments = {}
        self.return_urls = {}  # order id -> where PayPal sends the traveller back
        self.calls = []
        self.capture_amount = None  # a capture of another amount (a mismatch test)
        self.hold = None  # a threading.Barrier every GET of a payment waits at
        self._ids = itertools.count(1)
        self._server = make_server("127.0.0.1", 0, self.app, _Server, _Quiet)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self):
        self._server.shutdown()
        self._server.server_close()

    # --- What happens on the provider's side (the traveller at the checkout, staff) ----------

    def approve(self, order_id):
        """The traveller approved the order on PayPal's page."""
        with self.lock:
            self.orders[order_id]["status"] = "APPROVED"

    def refund_capture(self, capture_id, amount):
        with self.lock:
            capture = self.captures[capture_id]
            order = self.orders[capture["supplementary_data"]["related_ids"]["order_id"]]
            refund = {
                "id": f"1JU{next(self._ids):014d}",
                "status": "COMPLETED",
                "amount": {
                    "currency_code": capture["amount"]["currency_code"],
                    "value": _money(amount),
                },
                "links": [
                    {
                        "href": f"{self.url}/v2/payments/captures/{capture_id}",
                        "rel": "up",
                        "method": "GET",
                    }
                ],
            }
            payments = order["purchase_units"][0]["payments"]
            payments.setdefault("refunds", []).append(refund)
            total = sum(Decimal(r["amount"]["value"]) for r in payments["refunds"])
            whole = total >= Decimal(capture["amount"]["value"])
            capture["status"] = "REFUNDED" if whole else "PARTIALLY_REFUNDED"
            return refund

    def mp_pay(
        self, preference_id, *, amount=None, currency=None, status="approved", reference=None
    ):
        """The traveller paid a Mercado Pago preference: the payment the API will show."""
        with self.lock:
            item = self.preferences[preference_id]["items"][0]
            payment_id = 1310000000 + next(self._ids)
            self.payments[payment_id] = {
                "id": payment_id,
                "status": status,
                "status_detail": "accredited" if status == "approved" else "pending_contingency",
                "currency_id": currency or item["currency_id"],
                "transaction_amount": float(amount if amount is not None else item["unit_price"]),
                "transaction_amount_refunded": 0,
                "external_reference": reference
                or self.preferences[preference_id]["external_reference"],
                "payment_method_id": "visa",
                "live_mode": False,
            }
            return payment_id

    def mp_refund(self, payment_id, amount):
        with self.lock:
            payment = self.payments[payment_id]
            payment["transaction_amount_refunded"] += float(amount)
            if payment["transaction_amount_refunded"] >= payment["transaction_amount"]:
                payment["status"] = "refunded"

    # --- Notifications, signed as the providers sign them ------------------------------------

    def paypal_event(self, event_type, resource, *, webhook_id=WEBHOOK_ID):
        """A webhook delivery: (body bytes, headers)."""
        body = json.dumps(
            {
                "id": f"WH-{uuid.uuid4().hex[:20].upper()}",
                "event_version": "1.0",
                "create_time": "2026-12-08T03:00:00Z",
                "resource_type": "capture" if "CAPTURE" in event_type else "checkout-order",
                "event_type": event_type,
                "resource": resource,
            }
        ).encode()
        transmission_id, when = str(uuid.uuid4()), "2026-12-08T03:00:01Z"
        signed = f"{transmission_id}|{when}|{webhook_id}|{zlib.crc32(body)}"
        sig = base64.b64encode(hmac.new(_SIGNING_KEY, signed.encode(), hashlib.sha256).digest())
        headers = {
            "HTTP_PAYPAL_AUTH_ALGO": "SHA256withRSA",
            "HTTP_PAYPAL_CERT_URL": "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42",
            "HTTP_PAYPAL_TRANSMISSION_ID": transmission_id,
            "HTTP_PAYPAL_TRANSMISSION_SIG": sig.decode(),
            "HTTP_PAYPAL_TRANSMISSION_TIME": when,
        }
        return body, headers

    def mp_notification(self, payment_id, *, secret=MP_SECRET):
        """A webhook delivery: (query, body bytes, headers)."""
        request_id, ts = str(uuid.uuid4()), "1765163000000"
        data_id = str(payment_id)
        body = json.dumps(
            {
                "action": "payment.updated",
                "api_version": "v1",
                "data": {"id": data_id},
                "date_created": "2026-12-08T03:00:00Z",
                "id": next(self._ids),
                "live_mode": False,
                "type": "payment",
                "user_id": 202809963,
            }
        ).encode()
        headers = {
            "HTTP_X_SIGNATURE": f"ts={ts},v1={mp_signature(secret, data_id, request_id, ts)}",
            "HTTP_X_REQUEST_ID": request_id,
        }
        return f"?data.id={data_id}&type=payment", body, headers

    # --- The APIs -------------------------------------------------------------------------------

    def app(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        with self.lock:
            self.calls.append((method, path))
        if path == "/checkoutnow":
            return self._checkout_page(method, environ, raw, start_response)
        status, body = self.route(method, path, environ, raw)
        payload = json.dumps(body).encode()
        start_response(
            status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
        )
        return [payload]

    def route(self, method, path, environ, raw):
        parts = path.strip("/").split("/")
        bearer = environ.get("HTTP_AUTHORIZATION", "")
        if path == "/v1/oauth2/token":
            expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if bearer != f"Basic {expected}":
                return "401 Unauthorized", {"error": "invalid_client"}
            return "200 OK", {
                "access_token": "A21AAtest",
                "token_type": "Bearer",
                "expires_in": 32400,
            }
        paypal = path.startswith(("/v2/", "/v1/notifications"))
        if paypal and bearer != "Bearer A21AAtest":
            return "401 Unauthorized", {"name": "AUTHENTICATION_FAILURE"}
        mercadopago = path.startswith(("/checkout/", "/v1/payments"))
        if mercadopago and bearer not in (f"Bearer {MP_TOKEN}", f"Bearer {MP_SANDBOX_TOKEN}"):
            return "401 Unauthorized", {"message": "invalid access token", "status": 401}
        data = json.loads(raw) if raw else {}
        with self.lock:
            if method == "POST" and path == "/v2/checkout/orders":
                return self._create_order(environ, data)
            if parts[:3] == ["v2", "checkout", "orders"] and len(parts) == 4 and method == "GET":
                order = self.orders.get(parts[3])
                return (
                    ("200 OK", order)
                    if order
                    else ("404 Not Found", {"name": "RESOURCE_NOT_FOUND"})
                )
            if parts[:3] == ["v2", "checkout", "orders"] and parts[4:] == ["capture"]:
                return self._capture(parts[3])
            if parts[:3] == ["v2", "payments", "captures"] and method == "GET":
                capture = self.captures.get(parts[3])
                return (
                    ("200 OK", capture)
                    if capture
                    else ("404 Not Found", {"name": "RESOURCE_NOT_FOUND"})
                )
            if path == "/v1/notifications/verify-webhook-signature":
                return self._verify(data, raw)
            if method == "POST" and path == "/checkout/preferences":
                preference_id = f"202809963-{uuid.uuid4()}"
                self.preferences[preference_id] = {
                    **data,
                    "id": preference_id,
                    "init_point": f"{self.url}/checkout/v1/redirect?pref_id={preference_id}",
                    "sandbox_init_point": f"{self.url}/sandbox/redirect?pref_id={preference_id}",
                }
                return "201 Created", self.preferences[preference_id]
        if parts[:2] == ["v1", "payments"] and method == "GET":
            if self.hold is not None:
                self.hold.wait(timeout=5)
            with self.lock:
                payment = self.payments.get(int(parts[2])) if parts[2].isdigit() else None
                if payment is None:
                    return "404 Not Found", {
                        "message": "Payment not found",
                        "error": "not_found",
                        "status": 404,
                        "cause": [{"code": 2000, "description": "Payment not found"}],
                    }
                return "200 OK", dict(payment)
        return "404 Not Found", {"name": "RESOURCE_NOT_FOUND"}

    def _checkout_page(self, method, environ, raw, start_response):
        """PayPal's hosted checkout, as a browser meets it: a page with a pay button; paying
        approves the order and sends the traveller to the order's return_url with ?token=
        (the order id) and &PayerID=, as PayPal does."""
        from urllib.parse import parse_qs, urlencode

        query = parse_qs(raw.decode() if method == "POST" else environ.get("QUERY_STRING", ""))
        token = (query.get("token") or [""])[0]
        if token not in self.orders:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"unknown order"]
        if method == "POST":
            self.approve(token)
            back = (
                self.return_urls[token] + "?" + urlencode({"token": token, "PayerID": "TESTBUYER"})
            )
            start_response("303 See Other", [("Location", back)])
            return [b""]
        amount = self.orders[token]["purchase_units"][0]["amount"]
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width"><link rel="icon" href="data:,">'
            "<title>PayPal stand-in</title></head><body><main><h1>PayPal stand-in</h1>"
            f"<p>{amount['currency_code']} {amount['value']}</p>"
            f'<form method="post"><input type="hidden" name="token" value="{token}">'
            "<button>Pay now</button></form></main></body></html>"
        ).encode()
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page]

    def _create_order(self, environ, data):
        request_id = environ.get("HTTP_PAYPAL_REQUEST_ID", "")
        if request_id in self.order_requests:
            return "200 OK", self.orders[self.order_requests[request_id]]
        order_id = f"5O1{next(self._ids):014d}"
        unit = data["purchase_units"][0]
        self.orders[order_id] = {
            "id": order_id,
            "intent": data["intent"],
            "status": "PAYER_ACTION_REQUIRED",
            "payment_source": {"paypal": {}},
            "purchase_units": [{**unit, "payments": {}}],
            "links": [
                {
                    "href": f"{self.url}/v2/checkout/orders/{order_id}",
                    "rel": "self",
                    "method": "GET",
                },
                {
                    "href": f"{self.url}/checkoutnow?token={order_id}",
                    "rel": "payer-action",
                    "method": "GET",
                },
            ],
        }
        self.order_requests[request_id] = order_id
        context = data.get("payment_source", {}).get("paypal", {}).get("experience_context", {})
        self.return_urls[order_id] = context.get("return_url", "")
        return "200 OK", self.orders[order_id]

    def _capture(self, order_id):
        order = self.orders.get(order_id)
        if order is None:
            return "404 Not Found", {"name": "RESOURCE_NOT_FOUND"}
        if order["status"] == "COMPLETED":
            return "422 Unprocessable Entity", {
                "name": "UNPROCESSABLE_ENTITY",
                "details": [{"issue": "ORDER_ALREADY_CAPTURED"}],
            }
        if order["status"] != "APPROVED":
            return "422 Unprocessable Entity", {
                "name": "UNPROCESSABLE_ENTITY",
                "details": [{"issue": "ORDER_NOT_APPROVED"}],
            }
        unit = order["purchase_units"][0]
        amount = dict(unit["amount"])
        if self.capture_amount is not None:
            amount = {"currency_code": self.capture_amount[0], "value": self.capture_amount[1]}
        capture_id = f"3C6{next(self._ids):014d}"
        capture = {
            "id": capture_id,
            "status": "COMPLETED",
            "amount": amount,
            "final_capture": True,
            "custom_id": unit.get("custom_id"),
            "invoice_id": unit.get("invoice_id"),
            "supplementary_data": {"related_ids": {"order_id": order_id}},
        }
        self.captures[capture_id] = capture
        unit["payments"] = {"captures": [capture]}
        order["status"] = "COMPLETED"
        return "201 Created", order

    def _verify(self, data, raw):
        required = (
            "auth_algo",
            "cert_url",
            "transmission_id",
            "transmission_sig",
            "transmission_time",
            "webhook_id",
            "webhook_event",
        )
        if any(not data.get(name) for name in required):
            return "400 Bad Request", {"name": "VALIDATION_ERROR"}
        # The event exactly as delivered: what follows "webhook_event": in the request.
        event = raw.decode().split('"webhook_event": ', 1)[1][:-1].encode()
        crc = str(zlib.crc32(event))
        signed = "|".join(
            [data["transmission_id"], data["transmission_time"], data["webhook_id"], crc]
        )
        expected = base64.b64encode(
            hmac.new(_SIGNING_KEY, signed.encode(), hashlib.sha256).digest()
        )
        ok = hmac.compare_digest(expected.decode(), data["transmission_sig"])
        return "200 OK", {"verification_status": "SUCCESS" if ok else "FAILURE"}


@contextlib.contextmanager
def refusing():
    """An address where the provider is down: bound, not listening: connections refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


@contextlib.contextmanager
def silent():
    """An address where the provider hangs: it accepts the connection (the kernel's backlog)
    and never answers, so the client's read times out."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()
