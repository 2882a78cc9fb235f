"""The lock store of deploy/endpoints.scaled.yml against real Redis, with several processes
taking the same conversation's lock at the same moment, as Rasa instances on different
machines can.

With Rasa 3.6's own RedisLockStore in LOCK_STORE both tests fail: processes get the same
ticket, so two of them are inside the lock at once and counts are lost.
"""
import asyncio
import multiprocessing
import time
import uuid

from rasa.utils.endpoints import EndpointConfig

from assistant_server.lock_store import AtomicRedisLockStore

LOCK_STORE = AtomicRedisLockStore
PROCESSES = 6
ROUNDS = 20
TURNS_EACH = 8
# fork: the children inherit the imports, so they reach the barrier quickly.
processes = multiprocessing.get_context("fork")


def make_store(redis_server):
    return LOCK_STORE(EndpointConfig(
        url="127.0.0.1", port=str(redis_server.port), db="1", password=redis_server.password, key_prefix="locktest",
    ))


def take_tickets(redis_server, conversations, start, tickets):
    store = make_store(redis_server)
    for conversation in conversations:
        start.wait()
        tickets.put((conversation, store.issue_ticket(conversation)))


def take_turns(redis_server, conversation, counter, start):
    """Each turn reads a count, waits a moment and writes it back one higher: a count is
    lost whenever two turns are inside the lock together."""
    store, client = make_store(redis_server), redis_server.client()
    start.wait()

    async def turns():
        for _ in range(TURNS_EACH):
            async with store.lock(conversation, wait_time_in_seconds=0.002):
                count = int(client.get(counter) or 0)
                await asyncio.sleep(0.002)
                client.set(counter, count + 1)

    asyncio.run(turns())  # a LockError (a ticket was lost) ends the process with exit code 1


def start_all(target, args) -> list:
    children = [processes.Process(target=target, args=args) for _ in range(PROCESSES)]
    for child in children:
        child.start()
    return children


def join_all(children) -> None:
    deadline = time.monotonic() + 120
    for child in children:
        child.join(timeout=max(0, deadline - time.monotonic()))
    hung = [child for child in children if child.is_alive()]
    for child in hung:
        child.kill()
        child.join()
    assert not hung, f"{len(hung)} processes were still waiting for the lock after 120 s"
    assert all(child.exitcode == 0 for child in children), "a process failed; its error is above"


def test_processes_asking_at_once_never_get_the_same_ticket(redis_server):
    conversations = [f"tickets-{uuid.uuid4().hex}" for _ in range(ROUNDS)]
    start, tickets = processes.Barrier(PROCESSES), processes.Queue()
    children = start_all(take_tickets, (redis_server, conversations, start, tickets))

    issued = {conversation: [] for conversation in conversations}
    for _ in range(PROCESSES * ROUNDS):  # read before joining: a child exits once its queue is read
        conversation, ticket = tickets.get(timeout=120)
        issued[conversation].append(ticket)
    join_all(children)
    shared = {c: sorted(t) for c, t in issued.items() if len(set(t)) != len(t)}
    assert not shared, f"processes got the same ticket in {len(shared)} of {ROUNDS} rounds: {shared}"
    for numbers in issued.values():
        assert sorted(numbers) == list(range(PROCESSES))


def test_only_one_process_at_a_time_is_inside_a_conversations_lock(redis_server):
    conversation, counter = f"turns-{uuid.uuid4().hex}", f"counter-{uuid.uuid4().hex}"
    join_all(start_all(take_turns, (redis_server, conversation, counter, processes.Barrier(PROCESSES))))

    assert int(redis_server.client().get(counter)) == PROCESSES * TURNS_EACH, "turns overlapped: counts were lost"
    assert make_store(redis_server).get_lock(conversation) is None, "the lock was left behind"
