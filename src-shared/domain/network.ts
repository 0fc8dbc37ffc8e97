import { z } from 'zod';

/** AE titles: 1–16 characters of the default repertoire, no backslash, not only spaces (PS3.5 §6.2). */
export const aeTitleSchema = z
  .string()
  .regex(/^[\x20-\x5b\x5d-\x7e]{1,16}$/, 'an AE title is 1 to 16 printable ASCII characters, without a backslash')
  .refine((title) => title.trim().length > 0, 'an AE title cannot be only spaces');

export const nodeNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a node name is letters, digits, dot, dash or underscore (at most 64)');

const portSchema = z.number().int().min(1).max(65535);

/** An IP address literal: a host name could resolve to an interface the user did not mean. */
export const listenAddressSchema = z.union([z.ipv4(), z.ipv6()], { error: 'the listen address is an IPv4 or IPv6 address, such as 127.0.0.1 or 0.0.0.0' });

/** Whether an address is loopback only (the listener is then unreachable from other machines). */
export function isLoopbackAddress(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || address === '::ffff:127.0.0.1';
}

export const dimseNodeSchema = z.object({
  name: nodeNameSchema,
  kind: z.literal('dimse'),
  aet: aeTitleSchema,
  host: z.string().min(1),
  port: portSchema,
  tls: z.boolean().default(false),
  /**
   * A PEM file of the certificate authorities to trust for this node's TLS (a clinic's own CA),
   * read at each use; without it, the system's trusted CAs. The peer's certificate is always verified.
   */
  tlsCaFile: z.string().min(1).optional(),
});

/**
 * Credentials are kept as paths to files the user controls, never copied into the cache folder,
 * so the settings file can be read or backed up without exposing a secret.
 */
export const dicomWebAuthSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('basic'), user: z.string().min(1), passwordFile: z.string().min(1) }),
  z.object({ type: z.literal('bearer'), tokenFile: z.string().min(1) }),
]);

export const dicomWebNodeSchema = z.object({
  name: nodeNameSchema,
  kind: z.literal('dicomweb'),
  url: z.url({ protocol: /^https?$/ }),
  /** Optional separate prefixes (some archives serve QIDO, WADO and STOW under different roots). */
  qidoUrl: z.url({ protocol: /^https?$/ }).optional(),
  wadoUrl: z.url({ protocol: /^https?$/ }).optional(),
  stowUrl: z.url({ protocol: /^https?$/ }).optional(),
  auth: dicomWebAuthSchema.optional(),
});

export const remoteNodeSchema = z.discriminatedUnion('kind', [dimseNodeSchema, dicomWebNodeSchema]);
export type RemoteNode = z.infer<typeof remoteNodeSchema>;
export type DimseNode = z.infer<typeof dimseNodeSchema>;
export type DicomWebNode = z.infer<typeof dicomWebNodeSchema>;

export const networkSettingsSchema = z.object({
  /** Radstation's own AE title, used as calling AE and as the storage SCP's title. */
  localAet: aeTitleSchema.default('RADSTATION'),
  /** The storage SCP's port (11112 is the registered DICOM port). */
  localPort: portSchema.default(11112),
  /**
   * The address the DICOM listener binds: loopback unless the user opens it to a LAN interface
   * (or 0.0.0.0 / :: for every one), since whatever can reach it may push into the cache.
   */
  listenAddress: listenAddressSchema.default('127.0.0.1'),
  /** Whether the desktop app and `radstation serve` start the DICOM listener by themselves. */
  listenerEnabled: z.boolean().default(false),
  /** By default only configured DIMSE nodes may push or query; this opens the SCP to any caller. */
  acceptAnyCaller: z.boolean().default(false),
  nodes: z.array(remoteNodeSchema).default([]),
});
export type NetworkSettings = z.infer<typeof networkSettingsSchema>;

/** Why a verification failed, in the words a clinic's IT person would look for. */
export const networkFailureKinds = ['refused', 'unknown-ae', 'rejected', 'timeout', 'tls', 'http', 'auth', 'protocol'] as const;
export type NetworkFailureKind = (typeof networkFailureKinds)[number];

export const echoResultSchema = z.object({
  node: z.string(),
  ok: z.boolean(),
  failure: z.enum(networkFailureKinds).optional(),
  message: z.string(),
  milliseconds: z.number().nonnegative(),
});
export type EchoResult = z.infer<typeof echoResultSchema>;

/** One study as a remote archive describes it (C-FIND study level, or QIDO-RS /studies). */
export const remoteStudySchema = z.object({
  studyInstanceUid: z.string(),
  patientName: z.string(),
  patientId: z.string(),
  studyDate: z.string(),
  accessionNumber: z.string(),
  studyDescription: z.string(),
  modalities: z.array(z.string()),
  seriesCount: z.number().int().nullable(),
  instanceCount: z.number().int().nullable(),
});
export type RemoteStudy = z.infer<typeof remoteStudySchema>;

export const remoteSeriesSchema = z.object({
  studyInstanceUid: z.string(),
  seriesInstanceUid: z.string(),
  modality: z.string(),
  seriesNumber: z.number().int().nullable(),
  seriesDescription: z.string(),
  instanceCount: z.number().int().nullable(),
});
export type RemoteSeries = z.infer<typeof remoteSeriesSchema>;

export const remoteQuerySchema = z.object({
  patientName: z.string().optional(),
  patientId: z.string().optional(),
  accessionNumber: z.string().optional(),
  modality: z.string().optional(),
  studyDescription: z.string().optional(),
  /** DICOM dates, YYYYMMDD. */
  from: z.string().regex(/^\d{8}$/).optional(),
  to: z.string().regex(/^\d{8}$/).optional(),
  studyInstanceUid: z.string().optional(),
});
export type RemoteQuery = z.infer<typeof remoteQuerySchema>;

export const retrieveMethods = ['move', 'get', 'wado'] as const;
export type RetrieveMethod = (typeof retrieveMethods)[number];

export const retrieveReportSchema = z.object({
  node: z.string(),
  method: z.enum(retrieveMethods),
  studyInstanceUid: z.string(),
  seriesInstanceUid: z.string().optional(),
  status: z.enum(['completed', 'partial', 'cancelled', 'failed']),
  /** Instances the archive lists for the request. */
  expected: z.number().int().nonnegative(),
  /** Already in the cache before this retrieve, so not fetched again. */
  alreadyCached: z.number().int().nonnegative(),
  /** Fetched now and imported into the cache. */
  retrieved: z.number().int().nonnegative(),
  /** SOP Instance UIDs still missing from the cache after this retrieve. */
  missing: z.array(z.string()),
  /** Received but set aside by the import (same UID, other content), or failed to import. */
  conflicts: z.number().int().nonnegative(),
  failed: z.array(z.object({ path: z.string(), reason: z.string() })),
  message: z.string().optional(),
  seconds: z.number().nonnegative(),
});
export type RetrieveReport = z.infer<typeof retrieveReportSchema>;

export const retrieveProgressSchema = z.object({
  retrieveId: z.string(),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
export type RetrieveProgress = z.infer<typeof retrieveProgressSchema>;

export const sendReportSchema = z.object({
  node: z.string(),
  status: z.enum(['completed', 'partial', 'cancelled', 'failed']),
  instances: z.array(z.object({ sopInstanceUid: z.string(), ok: z.boolean(), status: z.string() })),
  message: z.string().optional(),
  seconds: z.number().nonnegative(),
});
export type SendReport = z.infer<typeof sendReportSchema>;

/** Whether Radstation's own DICOM listener is running, and where (or why it could not start). */
export const listenerStatusSchema = z.object({
  running: z.boolean(),
  aet: z.string(),
  port: z.number().int().nonnegative(),
  address: z.string(),
  error: z.string().optional(),
});
export type ListenerStatus = z.infer<typeof listenerStatusSchema>;

/** The local settings the Network view edits (nodes are added and removed by their own calls). */
export const localListenerSettingsSchema = z.object({
  localAet: aeTitleSchema,
  localPort: portSchema,
  listenAddress: listenAddressSchema,
  listenerEnabled: z.boolean(),
  acceptAnyCaller: z.boolean(),
});
export type LocalListenerSettings = z.infer<typeof localListenerSettingsSchema>;

export const sendProgressSchema = z.object({
  sendId: z.string(),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
export type SendProgress = z.infer<typeof sendProgressSchema>;
