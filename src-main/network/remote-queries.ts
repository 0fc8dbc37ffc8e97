import fs from 'node:fs';
import type { DimseNode, EchoResult, NetworkSettings, RemoteNode, RemoteQuery, RemoteSeries, RemoteStudy } from '../../src-shared/domain/network';
import { NetworkError, type DimsePeer } from './dimse/association';
import { cEcho, cFind } from './dimse/dimse-scu';
import { qido } from './dicomweb/dicomweb-client';
import { answerFromDicomJson, studyMatchKeys, tagOf, toRemoteInstance, toRemoteSeries, toRemoteStudy, type Answer, type RemoteInstance } from './query-results';

export function dimsePeer(settings: NetworkSettings, node: DimseNode, timeoutMs?: number): DimsePeer {
  return {
    host: node.host,
    port: node.port,
    calledAet: node.aet,
    callingAet: settings.localAet,
    tls: node.tls,
    ...(node.tls && node.tlsCaFile ? { tlsCa: readCaFile(node) } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
  };
}

/** Read at each use, so a renewed CA file takes effect without editing the node. */
function readCaFile(node: DimseNode): Buffer {
  try {
    return fs.readFileSync(node.tlsCaFile!);
  } catch (error) {
    throw new NetworkError('tls', `cannot read the CA file of ${node.name} (${node.tlsCaFile}): ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Verifies a node: C-ECHO for DIMSE, a one-result QIDO study search for DICOMweb. Never throws. */
export async function echoNode(settings: NetworkSettings, node: RemoteNode, timeoutMs = 10_000): Promise<EchoResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    if (node.kind === 'dimse') await cEcho(dimsePeer(settings, node, timeoutMs));
    else await qido(node, 'studies', [['limit', '1']], timeoutMs);
    const how = node.kind === 'dimse' ? `C-ECHO to ${node.aet}@${node.host}:${node.port}` : `QIDO-RS at ${node.url}`;
    return { node: node.name, ok: true, message: `${how} succeeded`, milliseconds: elapsed() };
  } catch (error) {
    const failure = error instanceof NetworkError ? error.kind : 'protocol';
    return { node: node.name, ok: false, failure, message: error instanceof Error ? error.message : String(error), milliseconds: elapsed() };
  }
}

const studyReturnKeys = ['PatientName', 'PatientID', 'StudyInstanceUID', 'StudyDate', 'AccessionNumber', 'StudyDescription', 'ModalitiesInStudy', 'NumberOfStudyRelatedSeries', 'NumberOfStudyRelatedInstances'] as const;

function includeFields(keywords: readonly Parameters<typeof tagOf>[0][]): Array<[string, string]> {
  return keywords.map((keyword) => ['includefield', tagOf(keyword)]);
}

export async function findStudies(settings: NetworkSettings, node: RemoteNode, query: RemoteQuery): Promise<RemoteStudy[]> {
  const keys = studyMatchKeys(query);
  let answers: Answer[];
  if (node.kind === 'dimse') {
    answers = (await cFind(dimsePeer(settings, node), 'STUDY', keys)) as Answer[];
  } else {
    const json = await qido(node, 'studies', [...Object.entries(keys), ...includeFields(studyReturnKeys)]);
    answers = json.map(answerFromDicomJson);
  }
  return answers.map(toRemoteStudy).sort((a, b) => b.studyDate.localeCompare(a.studyDate) || a.studyInstanceUid.localeCompare(b.studyInstanceUid));
}

export async function findSeries(settings: NetworkSettings, node: RemoteNode, studyInstanceUid: string): Promise<RemoteSeries[]> {
  let answers: Answer[];
  if (node.kind === 'dimse') {
    answers = (await cFind(dimsePeer(settings, node), 'SERIES', { StudyInstanceUID: studyInstanceUid })) as Answer[];
  } else {
    const json = await qido(node, `studies/${encodeURIComponent(studyInstanceUid)}/series`, includeFields(['SeriesInstanceUID', 'Modality', 'SeriesNumber', 'SeriesDescription', 'NumberOfSeriesRelatedInstances']));
    answers = json.map(answerFromDicomJson);
  }
  return answers.map((answer) => toRemoteSeries(answer, studyInstanceUid)).sort((a, b) => (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0));
}

/** Every instance of a study (or of one series), so a retrieve can account for each and fetch only what is missing. */
export async function listInstances(settings: NetworkSettings, node: RemoteNode, studyInstanceUid: string, seriesInstanceUid?: string): Promise<RemoteInstance[]> {
  const seriesUids = seriesInstanceUid ? [seriesInstanceUid] : (await findSeries(settings, node, studyInstanceUid)).map((series) => series.seriesInstanceUid);
  const instances: RemoteInstance[] = [];
  for (const seriesUid of seriesUids) {
    let answers: Answer[];
    if (node.kind === 'dimse') {
      answers = (await cFind(dimsePeer(settings, node), 'IMAGE', { StudyInstanceUID: studyInstanceUid, SeriesInstanceUID: seriesUid, SOPClassUID: '' })) as Answer[];
    } else {
      const json = await qido(node, `studies/${encodeURIComponent(studyInstanceUid)}/series/${encodeURIComponent(seriesUid)}/instances`, includeFields(['SOPInstanceUID', 'SOPClassUID']));
      answers = json.map(answerFromDicomJson);
    }
    instances.push(...answers.map((answer) => toRemoteInstance(answer, seriesUid)).filter((instance) => instance.sopInstanceUid !== ''));
  }
  return instances;
}
