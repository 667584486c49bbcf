// The Avatar screen: choose or drop an image, crop it square, and save a 512 px re-encoded copy.
// Saving works offline: the image shows at once and uploads when the connection is back.
import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { avatarMimeTypes } from '#shared/entities/values';
import { messageOf } from '../../api/call-route.ts';
import { Avatar } from '../../ui/avatar.tsx';
import { Button } from '../../ui/button.tsx';
import { Card } from '../../ui/card.tsx';
import { Banner, Loading } from '../../ui/feedback.tsx';
import { Icon } from '../../ui/icons.tsx';
import { NotSyncedYet } from '../not-synced.tsx';
import { useProfile } from '../own-docs.ts';
import { useSyncStatus } from '../sync/queries.ts';
import { clampCrop, drawCrop, encodeAvatar, initialCrop, zoomTo, type CropState } from './crop.ts';
import { useAvatarUrl, useSetAvatar } from './queries.ts';

const VIEWPORT = 288;
const MAX_SOURCE_BYTES = 25 * 1024 * 1024;

export function AvatarScreen() {
  const profile = useProfile();
  const url = useAvatarUrl(profile?.avatar ?? null);
  const status = useSyncStatus();
  const { set, remove } = useSetAvatar();
  const [bitmap, setBitmap] = useState<ImageBitmap | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [saved, setSaved] = useState(false);

  if (profile === undefined) return <Loading />;
  if (profile === null) return <NotSyncedYet what="profile" />;

  const choose = async (file: File | undefined) => {
    setError(undefined);
    setSaved(false);
    if (file === undefined) return;
    if (!file.type.startsWith('image/')) {
      setError('That file is not an image. Choose a PNG, JPEG or WebP picture.');
      return;
    }
    if (file.size > MAX_SOURCE_BYTES) {
      setError('That image is larger than 25 MB; choose a smaller one.');
      return;
    }
    try {
      setBitmap(await createImageBitmap(file));
    } catch {
      setError('That image could not be read. Choose a PNG, JPEG or WebP picture.');
    }
  };

  return (
    <div className="stack-lg">
      <Card
        title="Your avatar"
        description="Shown next to your name to everyone who may see it (see Privacy)."
      >
        <div className="avatar-current">
          <Avatar name={profile.displayName || '?'} url={url} size="lg" />
          <div className="stack-sm">
            {profile.avatar === null ? (
              <p className="muted">No avatar yet: your initials are shown instead.</p>
            ) : (
              <p className="muted" data-testid="avatar-status">
                {status.connected
                  ? 'Saved and synced.'
                  : 'Saved on this device; it uploads when you are online.'}
              </p>
            )}
            {profile.avatar !== null ? (
              <div>
                <Button size="small" variant="ghost" icon="trash" onClick={() => void remove()}>
                  Remove avatar
                </Button>
              </div>
            ) : null}
          </div>
        </div>
      </Card>

      <Card
        title="Choose a new picture"
        description="It is cropped to a square and resized to 512 pixels; photo metadata such as location is removed."
      >
        <div className="stack">
          {error !== undefined ? (
            <Banner tone="danger" live>
              {error}
            </Banner>
          ) : null}
          {saved ? (
            <Banner tone="success" live>
              Avatar saved.
            </Banner>
          ) : null}
          {bitmap === undefined ? (
            <DropZone onFile={(file) => void choose(file)} />
          ) : (
            <Cropper
              bitmap={bitmap}
              onCancel={() => {
                setBitmap(undefined);
              }}
              onSave={async (crop) => {
                try {
                  const encoded = await encodeAvatar(bitmap, crop, VIEWPORT);
                  await set(encoded.bytes, encoded.mime);
                  setBitmap(undefined);
                  setSaved(true);
                } catch (failure) {
                  setError(messageOf(failure));
                }
              }}
            />
          )}
        </div>
      </Card>
    </div>
  );
}

function DropZone({ onFile }: { readonly onFile: (file: File | undefined) => void }) {
  const [over, setOver] = useState(false);
  return (
    <div
      className={`drop-zone ${over ? 'is-over' : ''}`}
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => {
        setOver(false);
      }}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        onFile(event.dataTransfer.files[0]);
      }}
    >
      <Icon name="upload" size={28} />
      <p>Drop an image here, or</p>
      <label className="ui-button ui-button--primary file-button">
        Choose a file
        <input
          type="file"
          className="visually-hidden"
          accept={avatarMimeTypes.join(',')}
          data-testid="avatar-file"
          onChange={(event) => {
            onFile(event.currentTarget.files?.[0]);
            event.currentTarget.value = '';
          }}
        />
      </label>
      <p className="muted">PNG, JPEG or WebP.</p>
    </div>
  );
}

function Cropper({
  bitmap,
  onSave,
  onCancel,
}: {
  readonly bitmap: ImageBitmap;
  readonly onSave: (crop: CropState) => Promise<void>;
  readonly onCancel: () => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ x: number; y: number; start: CropState } | undefined>(undefined);
  const [crop, setCrop] = useState(() => initialCrop(bitmap, VIEWPORT));
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const element = canvas.current;
    if (element === null) return;
    const ratio = Math.min(2, window.devicePixelRatio || 1);
    element.width = VIEWPORT * ratio;
    element.height = VIEWPORT * ratio;
    drawCrop(element, bitmap, crop, VIEWPORT, VIEWPORT * ratio);
  }, [bitmap, crop]);

  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, y: event.clientY, start: crop };
  };
  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const start = drag.current;
    if (start === undefined) return;
    setCrop(
      clampCrop(
        {
          ...start.start,
          x: start.start.x + event.clientX - start.x,
          y: start.start.y + event.clientY - start.y,
        },
        bitmap,
        VIEWPORT,
      ),
    );
  };
  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>) => {
    const step = event.shiftKey ? 32 : 8;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [step, 0],
      ArrowRight: [-step, 0],
      ArrowUp: [0, step],
      ArrowDown: [0, -step],
    };
    const move = moves[event.key];
    if (move !== undefined) {
      event.preventDefault();
      setCrop(clampCrop({ ...crop, x: crop.x + move[0], y: crop.y + move[1] }, bitmap, VIEWPORT));
    } else if (event.key === '+' || event.key === '=' || event.key === '-') {
      event.preventDefault();
      setCrop(zoomTo(crop, crop.zoom + (event.key === '-' ? -0.1 : 0.1), bitmap, VIEWPORT));
    }
  };

  return (
    <div className="cropper">
      <canvas
        ref={canvas}
        className="cropper__canvas"
        tabIndex={0}
        role="img"
        aria-label="Crop preview. Drag or use the arrow keys to move the picture, plus and minus to zoom."
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={() => {
          drag.current = undefined;
        }}
        onKeyDown={onKeyDown}
      />
      <div className="cropper__controls stack">
        <label className="ui-field">
          <span className="ui-field__label">Zoom</span>
          <input
            type="range"
            min={1}
            max={4}
            step={0.01}
            value={crop.zoom}
            onChange={(event) => {
              setCrop(zoomTo(crop, Number(event.currentTarget.value), bitmap, VIEWPORT));
            }}
          />
        </label>
        <p className="muted">Drag the picture to choose what stays inside the square.</p>
        <div className="row">
          <Button
            variant="primary"
            busy={busy}
            onClick={() => {
              setBusy(true);
              void onSave(crop).finally(() => {
                setBusy(false);
              });
            }}
          >
            Save avatar
          </Button>
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        </div>
      </div>
    </div>
  );
}
