//! Speed targets: the schema is ready (opened, first resources decoded, a file
//! checked) within 50 ms of first use, and a completion takes under 5 ms.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::path::PathBuf;
use tc_schema::{check, complete, embedded, embedded_bytes, Schema};

fn corpus(rel: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora/terraform-aws-modules")
        .join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const TYPICAL: &str = r#"
provider "aws" {
  region = "eu-central-1"
}

resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_security_group" "web" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "web" {
  ami                    = "ami-0abcdef1234567890"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.a.id
  vpc_security_group_ids = [aws_security_group.web.id]
  root_block_device {
    encrypted = true
  }
}

resource "aws_db_instance" "db" {
  instance_class    = "db.t3.micro"
  engine            = "postgres"
  allocated_storage = 20
}
"#;

fn ready(c: &mut Criterion) {
    // Cold start each iteration: open the container, decode the resources a file
    // uses, check it.
    c.bench_function("schema ready: open embedded + check a 45-line file (cold)", |b| {
        b.iter(|| {
            let s = Schema::from_static(embedded_bytes()).unwrap();
            black_box(check(&s, TYPICAL))
        })
    });
    c.bench_function("schema open: index only", |b| {
        b.iter(|| black_box(Schema::from_static(embedded_bytes()).unwrap()))
    });
}

fn completion(c: &mut Criterion) {
    let s = embedded();
    // Warm the entries, as an editor session would be.
    let _ = check(s, TYPICAL);
    let module = corpus("terraform-aws-ec2-instance/main.tf");
    // Cursor on a fresh line inside the first aws_instance block of a 600-line file.
    let at = module.find("resource \"aws_instance\" \"this\" {").unwrap();
    let at = at + module[at..].find('\n').unwrap() + 1;
    let mut text = module.clone();
    text.insert_str(at, "  ebs\n");
    let offset = at + 5;
    c.bench_function("complete: argument in a 600-line module", |b| {
        b.iter(|| black_box(complete(s, &text, offset)))
    });
    let big = corpus("_large/concat_10k.tf");
    let mut text = big.clone();
    let at = text.len();
    text.push_str("\nresource \"aws_instance\" \"x\" {\n  \n}\n");
    let offset = at + "\nresource \"aws_instance\" \"x\" {\n  ".len();
    c.bench_function("complete: argument at the end of an 11k-line file", |b| {
        b.iter(|| black_box(complete(s, &text, offset)))
    });
    let (t, o) = ("resource \"aws_s3\"", "resource \"aws_s3".len());
    c.bench_function("complete: resource types", |b| b.iter(|| black_box(complete(s, t, o))));
    let t = "resource \"aws_instance\" \"i\" {\n  instance_type = \"t3.\n}\n";
    let o = t.find("t3.").unwrap() + 3;
    c.bench_function("complete: instance type values", |b| b.iter(|| black_box(complete(s, t, o))));
    c.bench_function("check: 600-line module", |b| b.iter(|| black_box(check(s, &module))));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = ready, completion
}
criterion_main!(benches);
