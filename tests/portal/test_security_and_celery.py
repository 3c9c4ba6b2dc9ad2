from blitar_portal.celery import app


def test_security_headers_on_every_page(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_celery_is_configured_for_safe_redelivery():
    conf = app.conf
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit
    # A late-acked task must not be redelivered while it still runs.
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit


def test_exactly_one_beat_schedule_holds_the_heartbeat():
    assert app.conf.beat_schedule["worker-heartbeat"]["task"] == "core.worker_heartbeat"
