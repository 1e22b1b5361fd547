/** Provider profiles: what one provider document requires. Shape validated by catalog/profile.schema.json. */
export type { Audience, Severity } from './vocabulary.js';
import type { Audience, Severity } from './vocabulary.js';

export interface DocSource {
  /** Section heading or table name in the provider document. */
  section: string;
  /** Verbatim excerpt of the document (whitespace-normalized) that the requirement rests on. */
  quote: string;
}

export interface Endpoint {
  /** Names of entries in the profile's `networks`. */
  networks?: string[];
  /** Literal CIDRs or addresses. */
  cidrs?: string[];
  /** Hostnames: never resolved; flows to them are checked symbolically (FWL012). */
  hostnames?: string[];
  /** Any Internet destination. */
  any?: boolean;
  /** The PBX given with --pbx. */
  pbx?: boolean;
  /** Roles of the site (phones, pcs, pbx): the networks the site model gives them (src/site/). */
  roles?: SiteRole[];
  /** Named servers of the site (--server NAME=SPEC, or an address object of that name), e.g. "sam", "syslog". */
  servers?: string[];
}

/** Roles a flow end can name besides the provider and the Internet. */
export type SiteRole = 'phones' | 'pcs' | 'pbx';

export interface FlowRequirement {
  id: string;
  description: string;
  /** outbound: from the audience to the remote side; inbound: new connections from the remote side. */
  direction: 'outbound' | 'inbound';
  /** tcp, udp, tcp/udp, icmp, esp, ah, any (every IP protocol), or a protocol number. */
  protocol: string;
  /** Destination ports as "5060" or "10000-65000"; absent for protocols without ports (for tcp/udp: every port). */
  ports?: string[];
  remote: Endpoint;
  /**
   * The near end when it is not the audience's networks (e.g. the PBX for PBX-to-domain-controller
   * rows, the PCs for PC-to-phone rows); absent = the audience's networks.
   */
  local?: Endpoint;
  /**
   * The document leaves the ports to the site (e.g. "Define a suitable port range"): the flow is listed
   * and reported as not checked, with this minimum number of consecutive ports.
   */
  siteDefinedPorts?: { minConsecutive: number };
  audience: Audience;
  /** Device families the requirement applies to; absent = every device. */
  devices?: string[];
  severity: Severity;
  /** When the requirement applies, e.g. only without NAT. */
  condition?: 'without-nat';
  /**
   * The document's direction is ambiguous (e.g. its Direction column says one way, its Usage column the
   * other): the flow is evaluated as stated and reversed, and only agreeing results are a pass or a fail;
   * otherwise the verdict is uncertain, quoting `quote` (verbatim from the document).
   */
  ambiguousDirection?: { quote: string; reading: string };
  /** Optional: how the document was read (severity wording, ambiguities, OCR repairs). Not shown in findings. */
  notes?: string;
  source: DocSource;
}

export type SettingKind =
  | 'sip-alg-off'
  | 'udp-timeout'
  | 'nat-required'
  | 'no-port-forward-to-phones'
  | 'source-port-preservation'
  | 'icmp-from-wan'
  | 'return-traffic'
  | 'dns';

export interface SettingRequirement {
  id: string;
  kind: SettingKind;
  /** udp-timeout: seconds. */
  min?: number;
  max?: number;
  audience?: Audience;
  severity: Severity;
  /** Optional: how the document was read (severity wording, ambiguities, OCR repairs). Not shown in findings. */
  notes?: string;
  source: DocSource;
}

export interface PortForwardRequirement {
  id: string;
  description: string;
  protocol: string;
  /** External (Internet-side) ports the forward listens on. */
  ports: string[];
  /** Optional: ports on the PBX the forward translates to, when they differ from `ports` (absent = same ports). */
  targetPorts?: string[];
  /** Forward target: the PBX given with --pbx. */
  to: 'pbx';
  /** Optional: PBX models the forward applies to (names listed in the profile's `devices`); absent = every model. */
  devices?: string[];
  severity: Severity;
  /** Optional: how the document was read (severity wording, ambiguities, OCR repairs). Not shown in findings. */
  notes?: string;
  source: DocSource;
}

/**
 * A requirement the document states that fwlint does not model (a DHCP server, QoS, a dynamic DNS
 * account): listed so that every run reports it as not checked, with `reason`, never silently left out.
 */
export interface NotModelledRequirement {
  id: string;
  description: string;
  severity: Severity;
  /** Why fwlint cannot check it: the text of the not-checked verdict. */
  reason: string;
  /** Optional: how the document was read (severity wording, ambiguities, OCR repairs). Not shown in findings. */
  notes?: string;
  source: DocSource;
}

export interface ProviderNetwork {
  description?: string;
  cidrs: string[];
  hostnames?: string[];
}

export interface Profile {
  id: string;
  name: string;
  provider: string;
  document: { title: string; seed?: string; url?: string; date?: string };
  networks: Record<string, ProviderNetwork>;
  flows: FlowRequirement[];
  settings: SettingRequirement[];
  portForwards?: PortForwardRequirement[];
  /** Requirements of the document fwlint does not model: reported as not checked on every run. */
  notModelled?: NotModelledRequirement[];
  /** Audiences the profile knows beyond the default `phones`. */
  audiences?: Audience[];
  /** Device families named by device-specific flows. */
  devices?: string[];
}
