/**
 * The few browser globals the web build uses, typed here because the project compiles without the DOM library
 * (its Node code must not reach for `window`): one typed view of `globalThis`, read when called.
 */

/** The Cache API subset used for model files. */
export interface CacheLike {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
}

/** The WebCodecs `VideoFrame` subset used to copy decoded planes. */
export interface VideoFrameLike {
  /** `I420`, `NV12`, … (null for formats the browser will not expose). */
  readonly format: string | null;
  readonly timestamp: number;
  readonly visibleRect: { width: number; height: number } | null;
  readonly colorSpace: { matrix?: string | null; fullRange?: boolean | null };
  allocationSize(): number;
  copyTo(destination: Uint8Array): Promise<{ offset: number; stride: number }[]>;
  close(): void;
}

/** The WebCodecs `VideoDecoder` subset used here. */
export interface VideoDecoderLike {
  configure(config: {
    codec: string;
    description?: Uint8Array;
    codedWidth: number;
    codedHeight: number;
  }): void;
  decode(chunk: unknown): void;
  flush(): Promise<void>;
  close(): void;
}

/** What this build reads off `globalThis` in a browser (each may be absent elsewhere). */
export interface BrowserGlobals {
  caches?: { open(name: string): Promise<CacheLike>; delete(name: string): Promise<boolean> };
  crossOriginIsolated?: boolean;
  VideoDecoder?: {
    new (init: { output(frame: VideoFrameLike): void; error(e: Error): void }): VideoDecoderLike;
    isConfigSupported(config: { codec: string; codedWidth: number; codedHeight: number }): Promise<{
      supported?: boolean;
    }>;
  };
  EncodedVideoChunk?: new (init: {
    type: "key" | "delta";
    timestamp: number;
    duration?: number;
    data: Uint8Array;
  }) => unknown;
  location?: { href: string };
  navigator?: {
    hardwareConcurrency?: number;
    gpu?: { requestAdapter(): Promise<unknown> };
  };
}

/**
 * The browser globals, as far as this build uses them.
 *
 * @example
 * if (browserGlobals().crossOriginIsolated) console.log("threads available");
 */
export function browserGlobals(): BrowserGlobals {
  return globalThis as unknown as BrowserGlobals;
}
