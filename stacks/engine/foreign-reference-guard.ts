import { IResolveContext, ref, TerraformStack } from 'cdktf';
import { GuardrailError } from '../../modules/core/errors';

/** The parts of cdktf's (unexported) Reference token this guard reads. */
interface ReferenceToken {
  readonly identifier: string;
  readonly originStack?: TerraformStack;
  readonly crossStackIdentifier: Record<string, string>;
  resolve(context: IResolveContext): unknown;
}

let installed = false;

/**
 * Makes a reference to another stack's resource fail at synth in the stacks `isGuarded` accepts,
 * in every resolve (preparing or not), so on every path a synth takes: `App.synth`, our engine, and
 * `Testing.synth` (which on cdktn runs a preparing resolve itself). cdktf turns such a reference into
 * remote state only in a preparing resolve of the stack (a second resolve of every stack); in a stack
 * that skips that, it would silently resolve to the same address in the wrong stack, which with
 * stacks built alike (app and admin VPC) is a real resource: the wrong one. Installed once per
 * process, on the runtime's Reference token (cdktf 0.21 and cdktn share it).
 */
export function guardForeignReferences(isGuarded: (stack: TerraformStack) => boolean): void {
  if (installed) return;
  installed = true;
  const prototype = Object.getPrototypeOf(ref('guard')) as ReferenceToken;
  const resolveReference = prototype.resolve;
  prototype.resolve = function (this: ReferenceToken, context: IResolveContext): unknown {
    // Also while preparing: a preparing resolve would wire the reference as remote state, which
    // these stacks read only through valueFrom (cdktn's Testing.synth runs one on any stack).
    if (this.originStack) {
      const stack = TerraformStack.of(context.scope);
      if (this.originStack !== stack && this.crossStackIdentifier[stack.toString()] === undefined && isGuarded(stack)) {
        throw new GuardrailError(
          'PLS_FOREIGN_REFERENCE',
          `stack ${stack.node.id}`,
          `found a reference to ${this.identifier} of stack ${this.originStack.node.id}; expected values of another stack to be read through EnvironmentStack.valueFrom(producer, value)`,
        );
      }
    }
    return resolveReference.call(this, context);
  };
}
