//! Fuzzes the private subject query's wire messages on both sides: the
//! holder reading a request line and answering it, the asker reading a reply
//! line and concluding from it. Never a panic; an answer has one evaluated
//! point per blinded point asked.
#![no_main]

use std::sync::OnceLock;

use cordon_exchange::match_keys::Subject;
use cordon_exchange::oprf::{self, Holder, Reply};
use libfuzzer_sys::fuzz_target;

fn subject(id: &str, name: &str) -> Subject {
    Subject {
        id: id.into(),
        name: name.into(),
        dob: Some("1975-05-14".into()),
        country: Some("TJ".into()),
        document: Some("N1234567".into()),
    }
}

fn holder() -> &'static Holder {
    static HOLDER: OnceLock<Holder> = OnceLock::new();
    HOLDER.get_or_init(|| Holder::new(&[subject("b1", "Гулмурод Ҳалимов")]).expect("holder"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&side, line)) = data.split_first() else {
        return;
    };
    if side & 1 == 0 {
        if let Ok(request) = oprf::parse_request(line) {
            if let Ok(response) = holder().answer(&request) {
                assert_eq!(response.evaluated.len(), request.blinded.len());
            }
        }
    } else if let Ok(Reply::Answer(response)) = oprf::parse_reply(line) {
        let (pending, _) = oprf::prepare(&[subject("a1", "Gulmurod Khalimov")]).expect("prepare");
        if let Ok(answers) = oprf::conclude(pending, &response) {
            assert_eq!(answers.len(), 1);
        }
    }
});
