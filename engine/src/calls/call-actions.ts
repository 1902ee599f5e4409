/**
 * What a call does besides talking: tools and the actions they leave behind.
 *
 * `callTool()` is the one seam every provider's tool call goes through (the
 * providers' sink.callTool): the call's tool runner (integrations/) checks the
 * context's allow-list, runs the built-in, HTTP or MCP tool, plays the filler
 * when it is slow, and records it; its `after` action (transfer, hangup,
 * voicemail) is queued to run once the agent is quiet, i.e. after the
 * sentence it speaks has been heard. If no utterance follows within 3 s, the
 * action runs anyway (a hangup first says the configured farewell). API
 * requests (calls.transfer) and the no-input watchdog's final message use the
 * same queue.
 */
import type { AgentConfig } from '../config/schema.js';
import type { ToolResult } from '../tools/tool.js';
import type { CallTools } from '../tools/tool-runner.js';
import type { FillerAudio } from '../tools/filler.js';

export type AfterAction = NonNullable<ToolResult['after']>;

export interface CallActionsHost {
  config: AgentConfig;
  /** [integrations hook] the call's tools: allow-list, run, filler, record. */
  tools: CallTools;
  /** Where a slow tool's filler plays (engine-made audio into the call's audio out). */
  filler(): FillerAudio;
  runAction(action: AfterAction): Promise<void>;
  /** The no-input final message has been heard: end the call. */
  noInput(): void;
  quiet(): boolean;
  whenQuiet(): Promise<void>;
  say(text: string): Promise<void>;
  /** Agent utterances started so far. */
  utterances(): number;
  closed(): boolean;
}

/** Without a following utterance, a tool's action runs after this long. */
const ACTION_FALLBACK_MS = 3000;

export class CallActions {
  private pending: AfterAction | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private finalMessage = false;

  constructor(private readonly host: CallActionsHost) {}

  /** The no-input final message is playing: barge-in must not cut it. */
  get endingWithFinalMessage(): boolean {
    return this.finalMessage;
  }

  /** The tool seam: runs `name` through the call's tools (they refuse what the context does not allow and record every run), queues its action. */
  async callTool(name: string, args: unknown): Promise<ToolResult> {
    const result = await this.host.tools.run(name, args, this.host.filler());
    if (result.ok && result.after && !this.host.closed()) {
      this.pending = result.after;
      this.armFallback();
    }
    return result;
  }

  /** An action from the API: runs as soon as the agent is quiet. */
  request(action: AfterAction): void {
    this.pending = action;
    if (this.host.quiet()) void this.runPending();
    else this.armFallback();
  }

  /** No input: the final message is being said; the call ends once it has been heard. */
  finalMessageStarted(): void {
    this.finalMessage = true;
    this.pending = undefined;
    this.armFallback();
  }

  /** The agent finished an utterance (heard, or cut off): run what waited for quiet. */
  agentQuiet(): void {
    if (this.finalMessage) {
      this.finalMessage = false;
      this.host.noInput();
      return;
    }
    if (this.pending) void this.runPending();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** If no utterance follows the tool call, run the action anyway once quiet. */
  private armFallback(): void {
    clearTimeout(this.timer);
    const spokeBefore = this.host.utterances();
    this.timer = setTimeout(() => {
      void this.host.whenQuiet().then(async () => {
        if (this.finalMessage) {
          this.finalMessage = false;
          this.host.noInput();
          return;
        }
        // The model asked to hang up but said nothing: say the configured farewell first.
        if (this.pending?.action === 'hangup' && this.host.utterances() === spokeBefore && !this.host.closed()) {
          await this.host.say(this.host.config.tools.hangup.farewell).catch(() => undefined);
          await this.host.whenQuiet();
        }
        if (this.pending) void this.runPending();
      });
    }, ACTION_FALLBACK_MS);
    this.timer.unref();
  }

  private async runPending(): Promise<void> {
    const action = this.pending;
    if (!action || this.running || this.host.closed()) return;
    this.pending = undefined;
    this.running = true;
    clearTimeout(this.timer);
    try {
      await this.host.runAction(action);
    } finally {
      this.running = false;
    }
  }
}
