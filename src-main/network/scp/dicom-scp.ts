import type { Writable } from 'node:stream';
import type { NetworkSettings } from '../../../src-shared/domain/network';
import { isKnownCaller } from '../network-settings';
import {
  dimse,
  isStorageSopClass,
  PresentationContextResult,
  RejectReason,
  RejectResult,
  RejectSource,
  SopClass,
  Status,
  storableTransferSyntaxes,
  type DimseAssociation,
  type DimseDataset,
  type DimsePresentationContext,
  type DimseStoreRequest,
} from '../dimse/dimse-library';
import { stagedResultOf, stagingHooks } from '../dimse/store-streaming';

const { CEchoResponse, CStoreResponse } = dimse.responses;

/** Query/retrieve services the SCP offers when an archive is attached (answering from the cache). */
export interface ArchiveHandlers {
  readonly sopClasses: readonly string[];
  cFind(request: import('dcmjs-dimse').requests.CFindRequest, callingAet: string): Promise<Array<import('dcmjs-dimse').responses.CFindResponse>>;
  cMove(request: import('dcmjs-dimse').requests.CMoveRequest, callingAet: string, sendProgress: (response: import('dcmjs-dimse').responses.CMoveResponse) => void): Promise<import('dcmjs-dimse').responses.CMoveResponse>;
  cGet(
    request: import('dcmjs-dimse').requests.CGetRequest,
    scp: import('dcmjs-dimse').Scp,
    sendProgress: (response: import('dcmjs-dimse').responses.CGetResponse) => void,
  ): Promise<import('dcmjs-dimse').responses.CGetResponse>;
}

export interface ScpContext {
  /** Read at each association, so nodes added while the SCP runs are known at once. */
  settings(): NetworkSettings;
  stagingDir: string;
  /** Called with each complete staged file; returns false when it cannot be taken (the sender gets a failure status). */
  received(file: string, callingAet: string): boolean;
  archive?: ArchiveHandlers;
  log?: (line: string) => void;
}

const verificationSyntaxes = ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1'];

/** The first syntax the caller proposed that we take, in the caller's order of preference. */
function pickSyntax(context: DimsePresentationContext, acceptable: readonly string[]): string | undefined {
  return context.getTransferSyntaxUids().find((syntax) => acceptable.includes(syntax));
}

/**
 * dcmjs-dimse builds one Scp per connection from a class, so the context is closed over by a
 * class made for it. Storage data sets stream to staging files (see store-streaming.ts).
 */
export function scpClassFor(context: ScpContext): typeof dimse.Scp {
  const hooks = stagingHooks(context.stagingDir, () => undefined);

  return class RadstationScp extends dimse.Scp {
    private callingAet = '';

    override associationRequested(association: DimseAssociation): void {
      const settings = context.settings();
      this.callingAet = association.getCallingAeTitle().trim();
      if (association.getCalledAeTitle().trim() !== settings.localAet.trim()) {
        context.log?.(`refused ${this.callingAet}: called AE ${association.getCalledAeTitle().trim()} is not ${settings.localAet}`);
        this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CalledAeNotRecognized);
        return;
      }
      if (!isKnownCaller(settings, this.callingAet)) {
        context.log?.(`refused ${this.callingAet}: not a configured node`);
        this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CallingAeNotRecognized);
        return;
      }
      for (const { id } of association.getPresentationContexts()) {
        const proposed = association.getPresentationContext(id);
        const abstract = proposed.getAbstractSyntaxUid();
        let syntax: string | undefined;
        if (abstract === SopClass.Verification) syntax = pickSyntax(proposed, verificationSyntaxes);
        else if (context.archive?.sopClasses.includes(abstract)) syntax = pickSyntax(proposed, verificationSyntaxes);
        else if (isStorageSopClass(abstract)) syntax = pickSyntax(proposed, storableTransferSyntaxes);
        else {
          proposed.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
          continue;
        }
        if (syntax) proposed.setResult(PresentationContextResult.Accept, syntax);
        else proposed.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
      }
      this.sendAssociationAccept();
    }

    override associationReleaseRequested(): void {
      this.sendAssociationReleaseResponse();
    }

    /**
     * Pending C-MOVE/C-GET responses go out directly: the library's callback may be called once,
     * so it carries only the final response. A failure to send one must not end the process.
     */
    private sendProgress(request: import('dcmjs-dimse').requests.Request, response: import('dcmjs-dimse').responses.Response): void {
      try {
        this.sendResponse(request, response);
      } catch (error) {
        context.log?.(`could not send a progress response to ${this.callingAet}: ${String(error)}`);
      }
    }

    override cEchoRequest(request: import('dcmjs-dimse').requests.CEchoRequest, callback: (response: import('dcmjs-dimse').responses.CEchoResponse) => void): void {
      const response = CEchoResponse.fromRequest(request);
      response.setStatus(Status.Success);
      callback(response);
    }

    override createStoreWritableStream(presentationContext: DimsePresentationContext, request: DimseStoreRequest): Writable {
      return stagingHooks(context.stagingDir, () => this.callingAet).createStoreWritableStream(presentationContext, request);
    }

    override createDatasetFromStoreWritableStream(writable: Writable, presentationContext: DimsePresentationContext, callback: (dataset: DimseDataset) => void): void {
      hooks.createDatasetFromStoreWritableStream(writable, presentationContext, callback);
    }

    override cStoreRequest(request: DimseStoreRequest, callback: (response: import('dcmjs-dimse').responses.CStoreResponse) => void): void {
      const response = CStoreResponse.fromRequest(request);
      const staged = stagedResultOf(request.getDataset());
      if ('path' in staged && context.received(staged.path, this.callingAet)) response.setStatus(Status.Success);
      else {
        context.log?.(`could not keep ${request.getAffectedSopInstanceUid()} from ${this.callingAet}: ${'error' in staged ? staged.error : 'refused'}`);
        response.setStatus(Status.ProcessingFailure);
      }
      callback(response);
    }

    override cFindRequest(request: import('dcmjs-dimse').requests.CFindRequest, callback: (responses: Array<import('dcmjs-dimse').responses.CFindResponse>) => void): void {
      const archive = context.archive;
      if (!archive) return callback([failure(dimse.responses.CFindResponse.fromRequest(request))]);
      archive.cFind(request, this.callingAet).then(callback, (error: unknown) => {
        context.log?.(`C-FIND from ${this.callingAet} failed: ${String(error)}`);
        callback([failure(dimse.responses.CFindResponse.fromRequest(request))]);
      });
    }

    override cMoveRequest(request: import('dcmjs-dimse').requests.CMoveRequest, callback: (responses: Array<import('dcmjs-dimse').responses.CMoveResponse>) => void): void {
      const archive = context.archive;
      if (!archive) return callback([failure(dimse.responses.CMoveResponse.fromRequest(request))]);
      archive.cMove(request, this.callingAet, (pending) => this.sendProgress(request, pending)).then(
        (final) => callback([final]),
        (error: unknown) => {
          context.log?.(`C-MOVE from ${this.callingAet} failed: ${String(error)}`);
          callback([failure(dimse.responses.CMoveResponse.fromRequest(request))]);
        },
      );
    }

    override cGetRequest(request: import('dcmjs-dimse').requests.CGetRequest, callback: (responses: Array<import('dcmjs-dimse').responses.CGetResponse>) => void): void {
      const archive = context.archive;
      if (!archive) return callback([failure(dimse.responses.CGetResponse.fromRequest(request))]);
      archive.cGet(request, this, (pending) => this.sendProgress(request, pending)).then(
        (final) => callback([final]),
        (error: unknown) => {
          context.log?.(`C-GET from ${this.callingAet} failed: ${String(error)}`);
          callback([failure(dimse.responses.CGetResponse.fromRequest(request))]);
        },
      );
    }
  };
}

function failure<Response extends { setStatus(status: number): void }>(response: Response): Response {
  response.setStatus(Status.ProcessingFailure);
  return response;
}
