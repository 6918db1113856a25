// A socket closes with 4403 when its token expires, however far off that is.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cancelExpiry, closeAtExpiry } from '../../src/auth/socket-expiry.ts';

const DAY = 24 * 60 * 60 * 1000;

describe('closeAtExpiry', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('closes with 4403 at the expiry, not before', () => {
    const socket = { close: vi.fn() };
    closeAtExpiry(socket, Date.now() + 5_000);
    vi.advanceTimersByTime(4_999);
    expect(socket.close).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(socket.close).toHaveBeenCalledWith(4403, 'Forbidden: token expired');
  });

  it('waits out a token valid for longer than a timer can (~24.8 days), then closes', () => {
    const socket = { close: vi.fn() };
    closeAtExpiry(socket, Date.now() + 60 * DAY);
    vi.advanceTimersByTime(59 * DAY);
    expect(socket.close).not.toHaveBeenCalled();
    vi.advanceTimersByTime(DAY);
    expect(socket.close).toHaveBeenCalledTimes(1);
  });

  it('closes at once for a token already expired', () => {
    const socket = { close: vi.fn() };
    closeAtExpiry(socket, Date.now() - 1);
    vi.advanceTimersByTime(0);
    expect(socket.close).toHaveBeenCalledWith(4403, 'Forbidden: token expired');
  });

  it('never closes once cancelled, even after a re-arm', () => {
    const socket = { close: vi.fn() };
    const expiry = closeAtExpiry(socket, Date.now() + 40 * DAY);
    vi.advanceTimersByTime(30 * DAY); // past the first timer: re-armed
    cancelExpiry(expiry);
    vi.advanceTimersByTime(20 * DAY);
    expect(socket.close).not.toHaveBeenCalled();
  });
});
