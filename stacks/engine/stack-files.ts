import { ConstructOrder, IConstruct } from 'constructs';
import { AnnotationMetadataEntryType, Manifest, StackAnnotation, StackManifest, TerraformStack } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { ValidateTerraformVersion } from 'cdktf/lib/validations/validate-terraform-version';
import { invalidValue } from '../../modules/core/errors';
import { blockPathsOf } from './hcl/block-paths';
import { hclMetadata, renderHcl } from './hcl/render-hcl';
import { runtimeJsonWriter } from './runtime-json';

/** A synthesized stack: its manifest entry and its files (path relative to the output directory → content). */
export interface StackFiles {
  readonly name: string;
  readonly manifest: StackManifest;
  readonly files: Readonly<Record<string, string>>;
}

/** Options of {@link synthesizeStackFiles}. */
export interface StackFilesOptions {
  /** Write HCL (`cdk.tf` and `metadata.json`, rendered from the stack's Terraform JSON) instead of JSON (`cdk.tf.json`). */
  readonly hcl: boolean;
  /** Skip the construct validations (cdktf's App `skipValidation`). */
  readonly skipValidation: boolean;
}

const ANNOTATION_TYPES: readonly string[] = [AnnotationMetadataEntryType.INFO, AnnotationMetadataEntryType.WARN, AnnotationMetadataEntryType.ERROR];
/** Where cdktf keeps a construct's custom synthesis (assets); see cdktf/lib/synthesize/synthesizer. */
const CUSTOM_SYNTHESIS = Symbol.for('cdktf/customSynthesis');

/**
 * What cdktf 0.21's `StackSynthesizer.synthesize` does for one stack (Aspects, the Terraform version
 * check of resource moves, validations, the manifest entry with its annotations, an error for error
 * annotations, then the Terraform JSON, or HCL rendered from it by `renderHcl`), returning the files instead of
 * writing them, so that nothing reaches the disk before every stack has synthesized and unchanged
 * files need not be written at all. Stacks with custom synthesis (assets) are not supported.
 */
export function synthesizeStackFiles(stack: TerraformStack, manifest: Manifest, options: StackFilesOptions): StackFiles {
  invokeAspects(stack);
  if (stack.hasResourceMove()) {
    stack.node.addValidation(
      new ValidateTerraformVersion('>=1.5', 'Resource move functionality is only supported for Terraform >=1.5. Please upgrade your Terraform version.'),
    );
  }
  if (!options.skipValidation) stack.runAllValidations();
  const entry = manifest.forStack(stack);
  const assets = stack.node.findAll(ConstructOrder.POSTORDER).filter((c) => (c as IConstruct & { [CUSTOM_SYNTHESIS]?: unknown })[CUSTOM_SYNTHESIS]);
  if (assets.length > 0) {
    throw invalidValue('PLS_CUSTOM_SYNTHESIS', `stack ${stack.node.id}`, assets[0].node.path, 'no construct with custom synthesis (such as a TerraformAsset)');
  }
  const annotations: StackAnnotation[] = stack.node
    .findAll()
    .flatMap((node) =>
      node.node.metadata
        .filter((m) => ANNOTATION_TYPES.includes(m.type))
        .map((m) => ({ constructPath: node.node.path, level: m.type as AnnotationMetadataEntryType, message: m.data, stacktrace: m.trace })),
    );
  // cdktf fills the (readonly) annotations of the entry at this point too.
  (entry as { annotations: StackAnnotation[] }).annotations = annotations;
  const errors = annotations.filter((a) => a.level === AnnotationMetadataEntryType.ERROR);
  if (errors.length > 0 && process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS === undefined) {
    throw new Error(
      `Encountered Annotations with level "ERROR":\n${errors.map((a) => `[${a.constructPath}] ${a.message}`).join('\n')}\n\nEither fix the issues above, or set the environment variable CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS to ignore these annotations.\n`,
    );
  }
  const writeJson = runtimeJsonWriter();
  const json = writeJson(stack.toTerraform());
  if (options.hcl) {
    // The HCL is rendered from exactly what cdk.tf.json would hold (undefined values dropped, as JSON does).
    const document = JSON.parse(json) as Record<string, unknown>;
    return {
      name: entry.name,
      manifest: entry,
      files: {
        [entry.synthesizedStackPath]: renderHcl(document, blockPathsOf(stack)),
        [entry.stackMetadataPath]: writeJson(hclMetadata(document)),
      },
    };
  }
  return { name: entry.name, manifest: entry, files: { [entry.synthesizedStackPath]: json } };
}
