//! The terrorist-financing typologies beyond money-laundering shapes: border areas,
//! collection then forwarding, and charity-named accounts paying out abroad.

mod support;

use cordon_model::transfer::Transfer;
use cordon_monitor::{Alert, Monitor, RulePack};
use support::{customer, march, money, transfer, Customer};

fn alerts_of(transfers: &[Transfer], rule: &str) -> Vec<Alert> {
    let mut monitor = Monitor::new(RulePack::default_pack().unwrap());
    transfers
        .iter()
        .flat_map(|t| monitor.observe(t))
        .filter(|a| a.rule_id == rule)
        .collect()
}

#[test]
fn a_beneficiary_in_a_border_town_alerts_above_the_minimum() {
    let from = customer("Ivan Petrov", "DE89370400440532013000", "DE");
    let kilis = customer("Ahmet Yilmaz", "TR330006100519786457841326", "TR").in_town("KİLİS");
    let alerts = alerts_of(
        &[transfer(
            "b1",
            &march(1, 9),
            &from,
            &kilis,
            money("2500", "EUR"),
        )],
        "TF-BORDER-01",
    );
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].party, "acct:TR330006100519786457841326");
    assert!(
        alerts[0]
            .explanation
            .contains("beneficiary in Kilis, TR (borders SY; list as of 2025-06-30)"),
        "{}",
        alerts[0].explanation
    );
    // Near misses: below 1,000 USD-worth, or in Istanbul.
    let istanbul = customer("Ahmet Yilmaz", "TR33", "TR");
    let quiet = [
        transfer("b2", &march(1, 9), &from, &kilis, money("900", "USD")),
        transfer("b3", &march(1, 9), &from, &istanbul, money("2500", "EUR")),
    ];
    assert!(alerts_of(&quiet, "TF-BORDER-01").is_empty());
}

/// `count` small transfers from distinct originators into `account`, a day apart from day 1.
fn donations(account: &Customer, count: usize, amount: &str) -> Vec<Transfer> {
    (0..count)
        .map(|k| {
            let donor = customer("Donor", &format!("GB{k:02}DONOR"), "GB");
            transfer(
                &format!("d{k}"),
                &march(1 + k as u32, 12),
                &donor,
                account,
                money(amount, "GBP"),
            )
        })
        .collect()
}

#[test]
fn small_sums_collected_then_forwarded_to_a_high_risk_area_alert() {
    let collector = customer("Omar Haddad", "DE44COLLECT", "DE");
    let damascus = customer("Recipient", "SY01", "SY");
    let gaziantep = customer("Recipient", "TR02", "TR").in_town("Gaziantep");
    let frankfurt = customer("Recipient", "DE03", "DE");
    // 8 x 400 GBP (506.33 USD each) = 4,050.63 USD collected; 3,000 USD forwarded is 74 %.
    let forward = |to: &Customer, amount: &str| {
        transfer("fwd", &march(10, 12), &collector, to, money(amount, "USD"))
    };
    for destination in [&damascus, &gaziantep] {
        let mut stream = donations(&collector, 8, "400");
        stream.push(forward(destination, "3000"));
        let alerts = alerts_of(&stream, "TF-COLLECT-01");
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert_eq!(alerts[0].transfer_ids.len(), 9);
        assert!(
            alerts[0].explanation.contains("8 distinct originators"),
            "{}",
            alerts[0].explanation
        );
    }
    // Near misses: seven originators; 60 % forwarded; forwarded to Frankfurt; large gifts.
    let near_misses = [
        (donations(&collector, 7, "400"), forward(&damascus, "3000")),
        (donations(&collector, 8, "400"), forward(&damascus, "2400")),
        (donations(&collector, 8, "400"), forward(&frankfurt, "3000")),
        (
            donations(&collector, 8, "2000"),
            forward(&damascus, "15000"),
        ),
    ];
    for (mut stream, last) in near_misses {
        stream.push(last);
        assert!(alerts_of(&stream, "TF-COLLECT-01").is_empty());
    }
}

#[test]
fn a_charity_named_account_paying_out_abroad_alerts() {
    let charity = customer("Mehr xayriya jamgʻarmasi", "UZ11CHARITY", "UZ");
    let individual = customer("Abu Karim", "TR55", "TR");
    let company = customer("Nordic Timber LLC", "DE66", "DE");
    let payout = |to: &Customer| transfer("pay", &march(20, 9), &charity, to, money("4000", "USD"));
    let mut stream = donations(&charity, 5, "150");
    stream.push(payout(&individual));
    let alerts = alerts_of(&stream, "TF-NPO-01");
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].party, "acct:UZ11CHARITY");
    assert!(alerts[0].explanation.contains("5 distinct originators"));

    // Not for a company abroad, four donors, or an account with an ordinary name.
    let mut to_company = donations(&charity, 5, "150");
    to_company.push(payout(&company));
    assert!(alerts_of(&to_company, "TF-NPO-01").is_empty());
    let mut few = donations(&charity, 4, "150");
    few.push(payout(&individual));
    assert!(alerts_of(&few, "TF-NPO-01").is_empty());
    let person = customer("Mehr Karimov", "UZ11CHARITY", "UZ");
    let mut plain = donations(&person, 5, "150");
    plain.push(transfer(
        "pay",
        &march(20, 9),
        &person,
        &individual,
        money("4000", "USD"),
    ));
    assert!(alerts_of(&plain, "TF-NPO-01").is_empty());
}

#[test]
fn foundations_are_recognised_in_the_languages_of_the_region() {
    let individual = customer("Abu Karim", "TR55", "TR");
    for name in [
        "Қайырымдылық Қоры",
        "БЛАГОТВОРИТЕЛЬНЫЙ ФОНД",
        "İnsani Yardım Vakfı",
        "جمعية الإحسان",
        "Hope Foundation",
    ] {
        let charity = customer(name, "KZ77NPO", "KZ");
        let mut stream = donations(&charity, 5, "150");
        stream.push(transfer(
            "pay",
            &march(20, 9),
            &charity,
            &individual,
            money("4000", "USD"),
        ));
        assert_eq!(alerts_of(&stream, "TF-NPO-01").len(), 1, "{name}");
    }
}

#[test]
fn pass_through_is_the_received_money_sent_on_not_more() {
    let source = customer("Source Ltd", "GB11SRC", "GB");
    let mule = customer("Mule", "DE22MULE", "DE");
    let sink = customer("Sink", "TR33SINK", "TR");
    let received = transfer("in", &march(5, 8), &source, &mule, money("20000", "EUR"));
    let passed = transfer("out", &march(6, 8), &mule, &sink, money("18500", "EUR"));
    let alerts = alerts_of(&[received.clone(), passed], "TF-PASS-01");
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert!(alerts[0].explanation.contains("at most 105%"), "{alerts:?}");
    // 150 % of what came in: the account paid from its own balance.
    let from_balance = transfer("big", &march(6, 8), &mule, &sink, money("30000", "EUR"));
    assert!(alerts_of(&[received, from_balance], "TF-PASS-01").is_empty());
}

#[test]
fn fan_in_follows_beneficiary_accounts_not_names_namesakes_share() {
    let fan_into = |hub: &Customer| -> Vec<Transfer> {
        (0..5)
            .map(|k| {
                let from = customer("Payer", &format!("DE{k}PAYER"), "DE");
                transfer(
                    &format!("f{k}"),
                    &march(1 + k, 9),
                    &from,
                    hub,
                    money("700", "USD"),
                )
            })
            .collect()
    };
    let account = customer("Hub", "TR44HUB", "TR");
    assert_eq!(alerts_of(&fan_into(&account), "TF-FANIN-01").len(), 1);
    // Known by name only ("N/A" is no account): five payers of one name at one bank.
    let name_only = customer("Hub", "N/A", "TR");
    assert!(alerts_of(&fan_into(&name_only), "TF-FANIN-01").is_empty());
}
