import { exampleConfigNames } from '../../helpers/configs';
import { exampleConfigGroupScope } from '../../helpers/guardrails';

// Every example config (the fast layer checks default.json only): the endpoint rules still run on every
// security group and ingress rule the app makes, and each stack passes Testing.synth(stack, true).
describe('guardrail scope on the example configs', () => {
  it.each(exampleConfigNames())(
    'GIVEN %s THEN every group and ingress rule is an endpoint group, and every stack passes Testing.synth(stack, true)',
    (name) => {
      const stacks = exampleConfigGroupScope(name);
      expect(stacks.length).toBeGreaterThan(0);
      expect(stacks.map((s) => ({ ...s, groups: s.groups > 0 }))).toEqual(
        stacks.map((s) => ({ stack: s.stack, groups: true, notEndpoint: [], synth: 'passed' })),
      );
    },
  );
});
