from bot.domain.ratelimit import RateLimiter, SendLimits


def test_one_message_a_second_per_chat():
    limiter = RateLimiter()
    assert limiter.delay(5, 100.0) == 0
    limiter.record(5, 100.0)
    assert abs(limiter.delay(5, 100.4) - 0.6) < 1e-9
    assert limiter.delay(6, 100.4) == 0  # another chat is not held back


def test_twenty_a_minute_to_a_group():
    limiter = RateLimiter()
    for i in range(20):
        now = 1000.0 + i * 1.0
        assert limiter.delay(-100, now) == 0
        limiter.record(-100, now)
    assert abs(limiter.delay(-100, 1020.0) - 40.0) < 1e-9  # the first of the 20 leaves at 1060
    assert limiter.delay(-100, 1060.0) == 0


def test_overall_rate():
    limiter = RateLimiter(SendLimits(overall_per_second=3))
    for chat in (1, 2, 3):
        limiter.record(chat, 10.0)
    assert abs(limiter.delay(4, 10.5) - 0.5) < 1e-9
    assert limiter.delay(4, 11.0) == 0


def test_a_429_holds_its_chat_and_no_other():
    limiter = RateLimiter()
    limiter.hold(5, until=13.0)
    assert limiter.chat_delay(5, 10.0) == 3.0
    assert limiter.hold_delay(5, 10.0) == 3.0
    assert limiter.chat_delay(6, 10.0) == 0.0
    assert limiter.delay(5, 13.0) == 0.0  # over
