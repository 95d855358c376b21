//! Real streams: messages arrive late and out of order, and some are delivered twice.

mod support;

use cordon_model::transfer::Transfer;
use cordon_monitor::{Alert, Delivery, Monitor, MonitorSnapshot, RulePack};
use support::{customer, march, money, transfer};

fn monitor() -> Monitor {
    Monitor::new(RulePack::default_pack().unwrap())
}

fn observe_all(monitor: &mut Monitor, transfers: &[Transfer]) -> Vec<Alert> {
    transfers.iter().flat_map(|t| monitor.observe(t)).collect()
}

fn of_rule<'a>(alerts: &'a [Alert], rule: &str) -> Vec<&'a Alert> {
    alerts.iter().filter(|a| a.rule_id == rule).collect()
}

/// The case: three transfers of one account, 9,300 to 9,800 USD-worth, on days 10,
/// 11 and 12 (in USD, EUR and KZT).
fn structuring_days() -> Vec<Transfer> {
    let account = customer("Tohir Yuldashev", "KZ86125KZT5004100100", "KZ");
    let payees = [
        customer("A. Karimov", "DE1", "DE"),
        customer("B. Nurlanova", "DE2", "DE"),
        customer("C. Rahimov", "DE3", "DE"),
    ];
    vec![
        transfer(
            "s10",
            &march(10, 9),
            &account,
            &payees[0],
            money("9300", "USD"),
        ),
        // 9,230.77 EUR at 1.04 is 9,600.00 USD.
        transfer(
            "s11",
            &march(11, 9),
            &account,
            &payees[1],
            money("9230.77", "EUR"),
        ),
        // 5,157,800 KZT at 0.0019 is 9,799.82 USD.
        transfer(
            "s12",
            &march(12, 9),
            &account,
            &payees[2],
            money("5157800", "KZT"),
        ),
    ]
}

#[test]
fn structuring_delivered_in_reverse_order_alerts_and_says_it_completed_late() {
    let mut in_order = monitor();
    let alerts = observe_all(&mut in_order, &structuring_days());
    let found = of_rule(&alerts, "TF-STRUCT-01");
    assert_eq!(found.len(), 1, "{alerts:?}");
    assert!(
        !found[0].explanation.contains("late"),
        "{}",
        found[0].explanation
    );

    let mut reversed = structuring_days();
    reversed.reverse();
    let mut late = monitor();
    let alerts = observe_all(&mut late, &reversed);
    let found = of_rule(&alerts, "TF-STRUCT-01");
    assert_eq!(found.len(), 1, "{alerts:?}");
    let alert = found[0];
    assert_eq!(alert.transfer_ids, ["uetr-s10", "uetr-s11", "uetr-s12"]);
    assert_eq!(alert.party, "acct:KZ86125KZT5004100100");
    assert!(
        alert
            .explanation
            .contains("completed by a late transfer (uetr-s10")
            && alert.explanation.contains("2 d"),
        "{}",
        alert.explanation
    );
    let stats = late.stats();
    assert_eq!((stats.late, stats.too_late, stats.duplicates), (2, 0, 0));
}

#[test]
fn a_transfer_later_than_the_bound_is_counted_and_reported_not_evaluated() {
    let mut days = structuring_days();
    // Day 10 arrives after a transfer of day 14: 4 days late, beyond the 72-hour default.
    let account = customer("Other", "GB00OTHER", "GB");
    let payee = customer("Payee", "DE9", "DE");
    let day_14 = transfer("x14", &march(14, 9), &account, &payee, money("50", "USD"));
    let day_10 = days.remove(0);
    let mut monitor = monitor();
    observe_all(&mut monitor, &days);
    monitor.observe(&day_14);
    let observation = monitor.observe_delivery(&day_10);
    assert_eq!(observation.delivery, Delivery::TooLate);
    assert!(observation.alerts.is_empty());
    assert_eq!(monitor.stats().too_late, 1);

    // A wider bound in the pack takes it in and the pattern completes.
    let text = cordon_monitor::DEFAULT_RULES
        .replace("max_lateness_hours = 72", "max_lateness_hours = 120");
    let mut patient = Monitor::new(RulePack::parse(&text).unwrap());
    observe_all(&mut patient, &days);
    patient.observe(&day_14);
    let observation = patient.observe_delivery(&day_10);
    assert_eq!(observation.delivery, Delivery::Late);
    assert_eq!(of_rule(&observation.alerts, "TF-STRUCT-01").len(), 1);
}

#[test]
fn pass_through_and_fan_in_complete_when_their_first_transfers_come_last() {
    let source = customer("Source Ltd", "GB11SRC", "GB");
    let mule = customer("Mule", "DE22MULE", "DE");
    let sink = customer("Sink", "TR33SINK", "TR");
    let received = transfer("in", &march(5, 8), &source, &mule, money("20000", "EUR"));
    let sent = transfer("out", &march(6, 8), &mule, &sink, money("18500", "EUR"));
    let mut monitor = monitor();
    let alerts = observe_all(&mut monitor, &[sent, received]);
    let found = of_rule(&alerts, "TF-PASS-01");
    assert_eq!(found.len(), 1, "{alerts:?}");
    assert_eq!(found[0].party, "acct:DE22MULE");
    assert_eq!(found[0].transfer_ids, ["uetr-in", "uetr-out"]);
    assert!(found[0].explanation.contains("late"));

    let hub = customer("Hub", "TR44HUB", "TR");
    let names = ["O1", "O2", "O3", "O4", "O5"];
    let mut fan: Vec<Transfer> = names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let from = customer(name, &format!("DE{k}ORIG"), "DE");
            // Over 52 hours: within the 72-hour bound when reversed.
            let time = march(7 + k as u32 / 2, 8 + k as u32);
            transfer(&format!("f{k}"), &time, &from, &hub, money("700", "USD"))
        })
        .collect();
    fan.reverse();
    let alerts = observe_all(&mut monitor, &fan);
    assert_eq!(of_rule(&alerts, "TF-FANIN-01").len(), 1, "{alerts:?}");
}

#[test]
fn a_repeated_delivery_never_counts_twice() {
    let days = structuring_days();
    let mut monitor = monitor();
    // Two structuring transfers and a repeat of one: no pattern.
    let alerts = observe_all(
        &mut monitor,
        &[days[0].clone(), days[1].clone(), days[1].clone()],
    );
    assert!(of_rule(&alerts, "TF-STRUCT-01").is_empty(), "{alerts:?}");
    assert_eq!(monitor.stats().duplicates, 1);
    // The third real one completes it, and a repeat of it raises nothing more.
    let alerts = observe_all(&mut monitor, &[days[2].clone(), days[2].clone()]);
    assert_eq!(of_rule(&alerts, "TF-STRUCT-01").len(), 1, "{alerts:?}");
    assert_eq!(monitor.stats().duplicates, 2);
}

#[test]
fn without_a_uetr_a_repeat_is_the_same_message_id_transaction_ids_and_amount() {
    let mut days = structuring_days();
    for t in &mut days {
        t.uetr = None;
    }
    let mut monitor = monitor();
    let first = monitor.observe_delivery(&days[0]);
    assert_eq!(first.delivery, Delivery::InOrder);
    assert_eq!(
        monitor.observe_delivery(&days[0]).delivery,
        Delivery::Duplicate
    );
    // The same ids with another amount are another transfer (a correction), not a repeat.
    let mut corrected = days[0].clone();
    corrected.amount = Some(money("9350", "USD"));
    assert_eq!(
        monitor.observe_delivery(&corrected).delivery,
        Delivery::InOrder
    );
    assert_eq!(monitor.stats().duplicates, 1);
}

#[test]
fn a_repeat_after_a_restart_is_still_recognised() {
    let days = structuring_days();
    let mut before = monitor();
    observe_all(&mut before, &days[..2]);
    let json = serde_json::to_string(&before.snapshot()).unwrap();
    let saved: MonitorSnapshot = serde_json::from_str(&json).unwrap();
    let mut after = Monitor::restore(RulePack::default_pack().unwrap(), saved).unwrap();
    let alerts = observe_all(&mut after, &[days[1].clone()]);
    assert!(alerts.is_empty(), "{alerts:?}");
    assert_eq!(after.stats().duplicates, 1);
    let alerts = observe_all(&mut after, &days[2..]);
    assert_eq!(of_rule(&alerts, "TF-STRUCT-01").len(), 1, "{alerts:?}");
}
