// Issue 20, point 1: what each package manager says is pending, read from samples of its output.
import { describe, expect, it } from "vitest";
import { parseAptSimulation, parseDnf, parseZypper } from "@/lib/rollout/scan-output";
import { severityOf, updateDue, type DeadlineRules } from "@/lib/domain/updates";

describe("apt-get -s dist-upgrade", () => {
  const sample = `Reading package lists...
Building dependency tree...
Reading state information...
Calculating upgrade...
The following packages will be upgraded:
  libc6 libssl3 pp-demo
3 upgraded, 1 newly installed, 0 to remove and 0 not upgraded.
Inst libssl3 [3.0.11-1~deb12u1] (3.0.11-1~deb12u2 Debian-Security:12/stable-security [amd64])
Inst libc6 [2.36-9+deb12u3] (2.36-9+deb12u4 Debian:12.5/stable, Debian-Security:12/stable-security [amd64])
Inst pp-demo [1.0] (1.1 . [all])
Inst linux-image-6.1.0-18-amd64 (6.1.76-1 Debian:12.5/stable [amd64])
Conf libssl3 (3.0.11-1~deb12u2 Debian-Security:12/stable-security [amd64])
Conf pp-demo (1.1 . [all])`;

  it("lists each package it would install with its installed and candidate versions; -security suites are security updates", () => {
    expect(parseAptSimulation(sample)).toEqual([
      { package: "libssl3", installed: "3.0.11-1~deb12u1", candidate: "3.0.11-1~deb12u2", security: true, severity: null, advisories: [] },
      { package: "libc6", installed: "2.36-9+deb12u3", candidate: "2.36-9+deb12u4", security: true, severity: null, advisories: [] },
      { package: "pp-demo", installed: "1.0", candidate: "1.1", security: false, severity: null, advisories: [] },
      { package: "linux-image-6.1.0-18-amd64", installed: null, candidate: "6.1.76-1", security: false, severity: null, advisories: [] },
    ]);
  });

  it("finds nothing when nothing is pending", () => {
    expect(parseAptSimulation("Reading package lists...\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n")).toEqual([]);
  });
});

describe("dnf list --upgrades with updateinfo", () => {
  const upgrades = `Available Upgrades
openssl.x86_64                 1:3.0.7-25.el9_3        baseos
openssl-libs.x86_64            1:3.0.7-25.el9_3        baseos
curl.x86_64                    7.76.1-26.el9_3.2       baseos
tzdata.noarch                  2024a-1.el9             baseos`;
  const updateinfo = `RHSA-2024:0310 Important/Sec. openssl-1:3.0.7-25.el9_3.x86_64
RHSA-2024:0310 Important/Sec. openssl-libs-1:3.0.7-25.el9_3.x86_64
RHSA-2024:0999 Critical/Sec.  openssl-libs-1:3.0.7-25.el9_3.x86_64
RHBA-2024:0001 bugfix         curl-7.76.1-26.el9_3.2.x86_64`;
  const installed = new Map([
    ["openssl", "1:3.0.7-24.el9"],
    ["openssl-libs", "1:3.0.7-24.el9"],
    ["curl", "7.76.1-26.el9_3.1"],
  ]);

  it("takes security and the worst severity from the advisories, and the installed version from rpm", () => {
    expect(parseDnf(upgrades, updateinfo, installed)).toEqual([
      { package: "openssl", installed: "1:3.0.7-24.el9", candidate: "1:3.0.7-25.el9_3", security: true, severity: "high", advisories: ["RHSA-2024:0310"] },
      {
        package: "openssl-libs",
        installed: "1:3.0.7-24.el9",
        candidate: "1:3.0.7-25.el9_3",
        security: true,
        severity: "critical",
        advisories: ["RHSA-2024:0310", "RHSA-2024:0999"],
      },
      { package: "curl", installed: "7.76.1-26.el9_3.1", candidate: "7.76.1-26.el9_3.2", security: false, severity: null, advisories: ["RHBA-2024:0001"] },
      { package: "tzdata", installed: null, candidate: "2024a-1.el9", security: false, severity: null, advisories: [] },
    ]);
  });
});

describe("zypper list-updates", () => {
  it("reads its table", () => {
    const sample = `S | Repository          | Name    | Current Version | Available Version | Arch
--+---------------------+---------+-----------------+-------------------+-------
v | SLE-Module-Security | openssl | 3.1.4-150600.1  | 3.1.4-150600.2    | x86_64
v | Main Update         | vim     | 9.0.2103-1      | 9.1.0111-2        | x86_64`;
    expect(parseZypper(sample)).toEqual([
      { package: "openssl", installed: "3.1.4-150600.1", candidate: "3.1.4-150600.2", security: true, severity: null, advisories: [] },
      { package: "vim", installed: "9.0.2103-1", candidate: "9.1.0111-2", security: false, severity: null, advisories: [] },
    ]);
  });
});

describe("severities and deadlines", () => {
  it("maps the managers' words", () => {
    expect(["Critical", "Important", "moderate", "Low", "none", undefined].map(severityOf)).toEqual(["critical", "high", "medium", "low", null, null]);
  });

  it("runs a deadline from the first sighting, by severity; unrated security updates by their own rule; others have none", () => {
    const rules: DeadlineRules = { critical: 14, high: 30, medium: null, low: null, unrated: 21 };
    const firstSeenAt = new Date("2026-11-01T08:00:00Z");
    expect(updateDue({ security: true, severity: "critical", firstSeenAt }, rules)).toEqual(new Date("2026-11-15T08:00:00Z"));
    expect(updateDue({ security: true, severity: null, firstSeenAt }, rules)).toEqual(new Date("2026-11-22T08:00:00Z"));
    expect(updateDue({ security: false, severity: "medium", firstSeenAt }, rules)).toBeNull();
    expect(updateDue({ security: false, severity: null, firstSeenAt }, rules)).toBeNull();
  });
});
