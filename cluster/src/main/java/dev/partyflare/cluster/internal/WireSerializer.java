package dev.partyflare.cluster.internal;

import java.io.NotSerializableException;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/** Pekko's serializer for {@link WireMessage}s (bound in the node's configuration). */
public final class WireSerializer extends SerializerWithStringManifest {
    private static final String DELIVER = "D";
    private static final String REPLY = "R";

    private final ExtendedActorSystem system;
    private volatile ActorRefResolver resolver;

    public WireSerializer(ExtendedActorSystem system) {
        this.system = system;
    }

    private ActorRefResolver resolver() {
        ActorRefResolver r = resolver;
        if (r == null) {
            r = ActorRefResolver.get(Adapter.toTyped(system));
            resolver = r;
        }
        return r;
    }

    @Override
    public int identifier() {
        return 0x50_46_43_31; // "PFC1"
    }

    @Override
    public String manifest(Object o) {
        if (o instanceof EntityCommand.Deliver) {
            return DELIVER;
        }
        if (o instanceof EntityCommand.Reply) {
            return REPLY;
        }
        throw new IllegalArgumentException("Not a partyflare wire message: " + o.getClass());
    }

    @Override
    public byte[] toBinary(Object o) {
        if (o instanceof EntityCommand.Deliver d) {
            String ref = resolver().toSerializationFormat(d.replyTo());
            return Codec.write(out -> {
                out.writeByte(d.kind());
                Codec.writeString(out, d.idHex());
                Codec.writeString(out, d.idName());
                Codec.writeString(out, d.jurisdiction());
                Codec.writeString(out, d.locationHint());
                Codec.writeBytes(out, d.payload());
                Codec.writeString(out, ref);
            });
        }
        if (o instanceof EntityCommand.Reply r) {
            return Codec.write(out -> {
                out.writeBoolean(r.ok());
                Codec.writeBytes(out, r.payload());
            });
        }
        throw new IllegalArgumentException("Not a partyflare wire message: " + o.getClass());
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        return switch (manifest) {
            case DELIVER ->
                Codec.read(bytes, in -> {
                    byte kind = in.readByte();
                    String hex = Codec.readString(in);
                    String name = Codec.readString(in);
                    String jurisdiction = Codec.readString(in);
                    String hint = Codec.readString(in);
                    byte[] payload = Codec.readBytes(in);
                    ActorRef<EntityCommand.Reply> replyTo = resolver().resolveActorRef(Codec.readString(in));
                    return new EntityCommand.Deliver(kind, hex, name, jurisdiction, hint, payload, replyTo);
                });
            case REPLY -> Codec.read(bytes, in -> new EntityCommand.Reply(in.readBoolean(), Codec.readBytes(in)));
            default -> throw new NotSerializableException("Unknown partyflare wire manifest " + manifest);
        };
    }
}
