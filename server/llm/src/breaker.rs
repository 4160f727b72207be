//! A circuit breaker: after a number of consecutive failed calls the service stops
//! calling the model for a cooldown period, so a provider outage costs the user
//! one or two slow turns rather than every turn. After the cooldown one trial call
//! is let through; its result closes or re-opens the breaker.

use serde::Serialize;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerState {
    /// Calls go through.
    Closed,
    /// Calls are skipped until the cooldown ends.
    Open,
    /// The cooldown ended; the next call is a trial.
    HalfOpen,
}

impl std::fmt::Display for BreakerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BreakerState::Closed => "closed",
            BreakerState::Open => "open",
            BreakerState::HalfOpen => "half-open",
        })
    }
}

#[derive(Debug)]
pub struct Breaker {
    threshold: u32,
    cooldown: Duration,
    consecutive_failures: u32,
    opened_at: Option<Instant>,
    /// Whether a trial call is in flight, so concurrent callers do not all probe.
    trial_in_flight: bool,
}

impl Breaker {
    pub fn new(threshold: u32, cooldown: Duration) -> Self {
        Breaker { threshold: threshold.max(1), cooldown, consecutive_failures: 0, opened_at: None, trial_in_flight: false }
    }

    pub fn state(&self) -> BreakerState {
        self.state_at(Instant::now())
    }

    fn state_at(&self, now: Instant) -> BreakerState {
        match self.opened_at {
            None => BreakerState::Closed,
            Some(t) if now.duration_since(t) >= self.cooldown => BreakerState::HalfOpen,
            Some(_) => BreakerState::Open,
        }
    }

    /// Whether a call may go out now. In the half-open state only one caller gets `true`.
    pub fn allow(&mut self) -> bool {
        self.allow_at(Instant::now())
    }

    fn allow_at(&mut self, now: Instant) -> bool {
        match self.state_at(now) {
            BreakerState::Closed => true,
            BreakerState::Open => false,
            BreakerState::HalfOpen if self.trial_in_flight => false,
            BreakerState::HalfOpen => {
                self.trial_in_flight = true;
                true
            }
        }
    }

    pub fn record_success(&mut self) {
        self.consecutive_failures = 0;
        self.opened_at = None;
        self.trial_in_flight = false;
    }

    /// The call that was let through ended without a result (its future was
    /// dropped, e.g. a cancelled editor request): free the trial slot so the next
    /// caller can probe, instead of leaving the breaker stuck half-open.
    pub fn abandon(&mut self) {
        self.trial_in_flight = false;
    }

    pub fn record_failure(&mut self) {
        self.record_failure_at(Instant::now())
    }

    fn record_failure_at(&mut self, now: Instant) {
        self.consecutive_failures += 1;
        let was_trial = self.trial_in_flight;
        self.trial_in_flight = false;
        if was_trial || self.consecutive_failures >= self.threshold {
            self.opened_at = Some(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_threshold_and_probes_once_after_cooldown() {
        let t0 = Instant::now();
        let cooldown = Duration::from_secs(10);
        let mut b = Breaker::new(3, cooldown);
        for _ in 0..2 {
            assert!(b.allow_at(t0));
            b.record_failure_at(t0);
        }
        assert_eq!(b.state_at(t0), BreakerState::Closed, "two failures stay below the threshold");
        b.record_failure_at(t0);
        assert_eq!(b.state_at(t0), BreakerState::Open);
        assert!(!b.allow_at(t0 + Duration::from_secs(9)));
        let later = t0 + cooldown;
        assert_eq!(b.state_at(later), BreakerState::HalfOpen);
        assert!(b.allow_at(later), "the first caller after the cooldown is the trial");
        assert!(!b.allow_at(later), "a second caller waits for the trial's result");
        b.record_failure_at(later);
        assert_eq!(b.state_at(later), BreakerState::Open, "a failed trial re-opens at once");
        let much_later = later + cooldown;
        assert!(b.allow_at(much_later));
        b.record_success();
        assert_eq!(b.state_at(much_later), BreakerState::Closed);
    }

    #[test]
    fn an_abandoned_trial_frees_the_slot() {
        let t0 = Instant::now();
        let mut b = Breaker::new(1, Duration::from_secs(1));
        b.record_failure_at(t0);
        let later = t0 + Duration::from_secs(1);
        assert!(b.allow_at(later));
        b.abandon();
        assert!(b.allow_at(later), "the next caller may probe");
    }

    #[test]
    fn a_success_resets_the_failure_count() {
        let mut b = Breaker::new(2, Duration::from_secs(1));
        b.record_failure();
        b.record_success();
        b.record_failure();
        assert_eq!(b.state(), BreakerState::Closed);
    }
}
