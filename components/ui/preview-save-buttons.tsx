import { Button } from "./button";

/** The two submit buttons of a form that previews before it saves (intent=preview|save). */
export function PreviewSaveButtons({
  previewLabel,
  saveLabel,
  pending,
  canSave = true,
}: {
  previewLabel: string;
  saveLabel: string;
  pending: boolean;
  canSave?: boolean;
}) {
  return (
    <div className="flex gap-2">
      <Button type="submit" name="intent" value="preview" variant="secondary" disabled={pending}>
        {previewLabel}
      </Button>
      <Button type="submit" name="intent" value="save" disabled={pending || !canSave}>
        {saveLabel}
      </Button>
    </div>
  );
}
