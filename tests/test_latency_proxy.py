"""The benchmark's latency proxy counts what the network would: one round
trip per statement answered, one for a whole pipeline."""
import psycopg
import pytest

from booking_desktop.tools.latency_proxy import LatencyProxy
from tests.conftest import PG_SKIP_REASON, PG_URL


@pytest.mark.skipif(not PG_URL, reason=PG_SKIP_REASON)
def test_proxy_forwards_and_counts_round_trips():
    upstream = psycopg.conninfo.conninfo_to_dict(PG_URL)
    with LatencyProxy(upstream.get("host", "127.0.0.1"), int(upstream.get("port", 5432)),
                      rtt_ms=2) as proxy:
        url = (f"postgresql://{upstream.get('user', 'postgres')}@127.0.0.1:{proxy.port}/"
               f"{upstream.get('dbname', 'test')}")
        with psycopg.connect(url, autocommit=True) as conn:
            proxy.reset()
            answers = [conn.execute("SELECT %s::int", (n,)).fetchone()[0] for n in range(5)]
            assert answers == [0, 1, 2, 3, 4]
            assert proxy.round_trips == 5
            proxy.reset()
            with conn.pipeline():
                cursors = [conn.execute("SELECT %s::int", (n,)) for n in range(5)]
            assert [c.fetchone()[0] for c in cursors] == [0, 1, 2, 3, 4]
            assert proxy.round_trips == 1
