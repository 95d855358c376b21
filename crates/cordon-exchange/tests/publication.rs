//! A publication directory on disk: publish, verify, and recover from a
//! publication interrupted before its head was written.

use cordon_exchange::keys::PublisherKey;
use cordon_exchange::pubdir::{publish, verify, NewPublication};

fn publication<'a>(list: &'a [u8], at: &'a str) -> NewPublication<'a> {
    NewPublication {
        file_name: "list.csv",
        list,
        delta: None,
        log_name: "test-fiu",
        at,
    }
}

#[test]
fn an_interrupted_publication_is_dropped_and_the_log_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let key = PublisherKey::generate().unwrap();
    publish(
        dir.path(),
        &key,
        None,
        &publication(b"id,name\n1,A\n", "2026-12-04T00:00:00Z"),
    )
    .unwrap();
    publish(
        dir.path(),
        &key,
        None,
        &publication(b"id,name\n1,A\n2,B\n", "2026-12-04T01:00:00Z"),
    )
    .unwrap();
    // A third publication stopped after its manifest: the head still says 2.
    let head = std::fs::read(dir.path().join("checkpoint.json")).unwrap();
    publish(
        dir.path(),
        &key,
        None,
        &publication(b"id,name\n3,C\n", "2026-12-04T02:00:00Z"),
    )
    .unwrap();
    std::fs::write(dir.path().join("checkpoint.json"), head).unwrap();
    std::fs::remove_file(dir.path().join("log/000003.checkpoint.json")).unwrap();
    let error = verify(dir.path(), &key.public(), None)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("log/000003.json is not covered by the signed checkpoint"),
        "{error}"
    );

    let head = publish(
        dir.path(),
        &key,
        None,
        &publication(b"id,name\n4,D\n", "2026-12-04T03:00:00Z"),
    )
    .unwrap();
    assert_eq!(head.size, 3);
    let verified = verify(dir.path(), &key.public(), None).unwrap();
    assert_eq!(
        verified.latest().unwrap().published_at,
        "2026-12-04T03:00:00Z"
    );
    let (leaf, proof) = verified.inclusion(2).unwrap();
    let root = verified.checkpoint.root_hash().unwrap();
    assert!(cordon_exchange::merkle::verify_inclusion(
        &leaf, 1, 3, &proof, &root
    ));
}

#[test]
fn a_stranger_cannot_extend_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let key = PublisherKey::generate().unwrap();
    publish(
        dir.path(),
        &key,
        None,
        &publication(b"id,name\n1,A\n", "2026-12-04T00:00:00Z"),
    )
    .unwrap();
    let stranger = PublisherKey::generate().unwrap();
    let error = publish(
        dir.path(),
        &stranger,
        None,
        &publication(b"id,name\n", "2026-12-04T01:00:00Z"),
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("is not the log's key"),
        "{error}"
    );
}
