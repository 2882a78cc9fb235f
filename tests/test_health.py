"""channels/health.py: where the action server's health is asked."""
from channels.health import action_server_health_url


def test_the_action_servers_health_url_comes_from_its_webhook_url():
    assert action_server_health_url("http://127.0.0.1:5055/webhook") == "http://127.0.0.1:5055/health"
    assert action_server_health_url("https://actions.internal/webhook?x=1") == "https://actions.internal/health"
